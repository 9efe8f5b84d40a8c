package main

// Guest operations: GuestOperationsManager's GuestFileManager (this file) and GuestProcessManager
// (guest_process.go), acting on a real directory per VM that stands in for the guest's filesystem, and running real
// processes (see guest_process.go).
//
// The stock simulator implements only InitiateFileTransfer{To,From}Guest, and only for VMs backed by a docker
// container. Both manager objects are replaced here (same morefs), so the container-backed mode is gone.
//
// Every call checks, in this order, as vSphere does: the VM exists (ManagedObjectNotFound), is powered on
// (InvalidPowerState), its guest.toolsRunningStatus is guestToolsRunning (GuestOperationsUnavailable; tests set it
// with ReconfigVM_Task extraConfig SET.guest.toolsRunningStatus=guestToolsRunning), and the credentials are a
// NamePasswordAuthentication matching -guest-user/-guest-password, or the VM's own extraConfig values
// mcvsphere.guest.username / mcvsphere.guest.password when set (InvalidGuestLogin).
//
// The guest filesystem of a VM is the directory <guest root>/<VM moref>, created on first use with /tmp (mode 1777),
// /root (0700) and /home; a non-root user also gets /home/<user>. Guest paths must be absolute and are taken
// relative to that directory ("/tmp/x" is <sandbox>/tmp/x; ".." cannot leave it). The directory is removed when the
// VM is destroyed, and the whole guest root (unless given with -guest-root) when the simulator exits.
//
// Permissions: "root" may do anything except delete or move "/". Any other user is denied (GuestPermissionDenied)
// access to /root, creating or removing entries directly under "/", changing owners, reading a file or directory
// without the owner read bit, writing a file without the owner write bit, and creating or removing entries in a
// directory without the owner write bit. Errors from the host filesystem map to FileNotFound, FileAlreadyExists,
// NotAFile, NotADirectory, DirectoryNotEmpty or GuestPermissionDenied, always naming the guest path.
//
// File transfers: InitiateFileTransferToGuest/FromGuest return a URL on the ESXi host, as vCenter does: in vCenter mode
// "https://127.0.0.1:<port>/guestFile?id=<n>&token=<hex>" on the hosts' endpoint (host_endpoint.go, its own
// certificate: HostSystem summary.config.sslThumbprint); in ESX mode "<scheme>://*/guestFile?id=<n>&token=<hex>",
// where the scheme is the simulator's own (http, or https with -tls) and "*" stands for the host:port the client
// called, as vSphere documents. The client sends PUT (upload: the body must be exactly fileSize bytes; the URL is invalid
// after a successful PUT, as vSphere documents) or GET/HEAD (download, with Range support, reusable) there without
// a session cookie. URLs expire after 30 minutes. Answers: 200, 400 (size mismatch), 403 (unknown, expired or used
// URL), 405 (wrong method), 409 (VM no longer powered on with tools running, a concurrent PUT, or the target was
// created meanwhile without overwrite), 500 (host I/O error).

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// guestConfig holds the -guest-* flags.
type guestConfig struct {
	user     string
	password string
	root     string
}

var guestFlags = guestConfig{user: "root", password: "vmware"}

// Per-VM overrides of the guest credentials, read from the VM's config.extraConfig.
const (
	guestUserKey     = "mcvsphere.guest.username"
	guestPasswordKey = "mcvsphere.guest.password"
)

const (
	guestTransferPath     = "/guestFile"
	guestTransferLifetime = 30 * time.Minute
	guestListDefaultMax   = 50
)

func init() {
	flag.StringVar(&guestFlags.user, "guest-user", guestFlags.user,
		"guest OS user name that guest operations accept (per VM: extraConfig "+guestUserKey+")")
	flag.StringVar(&guestFlags.password, "guest-password", guestFlags.password,
		"guest OS password that guest operations accept (per VM: extraConfig "+guestPasswordKey+")")
	flag.StringVar(&guestFlags.root, "guest-root", "",
		"directory that holds one guest filesystem per VM, kept on exit (default: a temporary directory, removed on exit)")
	extensions = append(extensions, func(model *simulator.Model) { installGuestOps(model, guestFlags) })
}

// guestOps is the state of the guest-operations extension for one model.
type guestOps struct {
	cfg guestConfig
	svc *simulator.Service

	serveOnce sync.Once

	mu        sync.Mutex
	base      string   // directory holding the sandboxes, created on first use
	ownsBase  bool     // base is a temporary directory of ours, removed by close
	lock      *os.File // held locked while base is in use (see guestRemoveStale)
	closed    bool
	vms       map[types.ManagedObjectReference]*guestVM
	transfers map[string]*guestTransfer
	nextID    int64
}

// guestVM is the guest side of one VM: its filesystem sandbox and its process table.
type guestVM struct {
	ref  types.ManagedObjectReference
	root string // host directory that is the guest's "/"

	mu      sync.Mutex
	nextPid int64
	procs   map[int64]*guestProcess
	boot    time.Time
}

// guestCall is one authenticated guest operation.
type guestCall struct {
	g        *guestOps
	vm       *guestVM
	user     string
	hostName string // the guest's host name: guest.hostName, else the VM name
}

func (c *guestCall) root() bool { return c.user == "root" }

func (c *guestCall) home() string {
	if c.root() {
		return "/root"
	}
	return "/home/" + c.user
}

// guestTransfer is a pending InitiateFileTransfer{To,From}Guest URL.
type guestTransfer struct {
	id, token string
	vm        types.ManagedObjectReference
	guestPath string
	hostPath  string
	upload    bool
	size      int64
	overwrite bool
	attrs     *types.GuestPosixFileAttributes
	expires   time.Time
	busy      bool
}

// guestFileManager replaces the simulator's GuestFileManager.
type guestFileManager struct {
	mo.GuestFileManager
	g *guestOps
}

// guestEvents follows VM power changes and removals (see guestOps.powerChanged and guestOps.removed).
type guestEvents struct {
	g *guestOps
}

var reflectTypeGuestOpsManager = reflect.TypeOf((*mo.GuestOperationsManager)(nil))

var guestEventsRef = types.ManagedObjectReference{Type: "McVSphereGuestEvents", Value: "mcvsphere-guest-events"}

var (
	guestLiveMu sync.Mutex
	guestLive   = map[*guestOps]bool{}
	guestSignal sync.Once
)

// installGuestOps replaces the model's guest file and process managers. It returns nil when the model has no
// GuestOperationsManager.
func installGuestOps(model *simulator.Model, cfg guestConfig) *guestOps {
	si, ok := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance)
	if !ok || si.Content.GuestOperationsManager == nil {
		return nil
	}
	v, ok := gxEmbedded(simulator.Map.Get(*si.Content.GuestOperationsManager), reflectTypeGuestOpsManager)
	if !ok {
		return nil
	}
	gom := v.Interface().(*mo.GuestOperationsManager)
	if gom.FileManager == nil || gom.ProcessManager == nil {
		return nil
	}

	g := &guestOps{
		cfg:       cfg,
		svc:       model.Service,
		vms:       map[types.ManagedObjectReference]*guestVM{},
		transfers: map[string]*guestTransfer{},
	}
	simulator.Map.Put(&guestFileManager{GuestFileManager: mo.GuestFileManager{Self: *gom.FileManager}, g: g})
	simulator.Map.Put(&guestProcessManager{GuestProcessManager: mo.GuestProcessManager{Self: *gom.ProcessManager}, g: g})
	simulator.Map.AddHandler(&guestEvents{g: g})

	guestLiveMu.Lock()
	guestLive[g] = true
	guestLiveMu.Unlock()
	guestSignal.Do(func() {
		// Clean up on SIGINT/SIGTERM (main also stops on them, a moment later).
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
		go func() {
			<-sig
			guestLiveMu.Lock()
			defer guestLiveMu.Unlock()
			for g := range guestLive {
				g.close()
			}
		}()
	})
	return g
}

// close kills the guest processes and removes the guest root if it is a temporary directory of ours.
func (g *guestOps) close() {
	g.mu.Lock()
	g.closed = true
	vms := g.vms
	g.vms = map[types.ManagedObjectReference]*guestVM{}
	base, owns := g.base, g.ownsBase
	g.mu.Unlock()
	for _, vm := range vms {
		vm.signalAll(syscall.SIGKILL)
	}
	if owns && base != "" {
		_ = os.RemoveAll(base)
	}
	g.mu.Lock()
	if g.lock != nil {
		_ = g.lock.Close()
		g.lock = nil
	}
	g.mu.Unlock()
	guestLiveMu.Lock()
	delete(guestLive, g)
	guestLiveMu.Unlock()
}

// guestRoot returns the directory holding the sandboxes, creating it on first use.
func (g *guestOps) guestRoot() (string, error) {
	if g.base != "" {
		return g.base, nil
	}
	if g.cfg.root != "" {
		if err := os.MkdirAll(g.cfg.root, 0o755); err != nil {
			return "", err
		}
		abs, err := filepath.Abs(g.cfg.root)
		if err != nil {
			return "", err
		}
		g.base = abs
		return g.base, nil
	}
	guestRemoveStale()
	dir, err := os.MkdirTemp("", fmt.Sprintf("mcvsphere-guest-%d-", os.Getpid()))
	if err != nil {
		return "", err
	}
	// The lock says the directory is in use; the kernel drops it when this process ends, however it ends.
	if lock, err := os.OpenFile(filepath.Join(dir, guestLockName), os.O_CREATE|os.O_RDWR, 0o600); err == nil {
		if syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			g.lock = lock
		} else {
			_ = lock.Close()
		}
	}
	g.base, g.ownsBase = dir, true
	return dir, nil
}

// guestLockName is the file in a temporary guest root that its simulator holds locked.
const guestLockName = ".lock"

// guestRemoveStale removes temporary guest roots left by simulators that died without cleaning up: those whose
// lock file nobody holds.
func guestRemoveStale() {
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), "mcvsphere-guest-*-*"))
	for _, dir := range matches {
		lock, err := os.OpenFile(filepath.Join(dir, guestLockName), os.O_RDWR, 0)
		if err != nil {
			continue // not ours, or still being created
		}
		if syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			_ = os.RemoveAll(dir)
		}
		_ = lock.Close()
	}
}

// sandbox returns the guest side of the VM, creating its filesystem on first use.
func (g *guestOps) sandbox(ref types.ManagedObjectReference) (*guestVM, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil, errors.New("guest operations are shut down")
	}
	if vm, ok := g.vms[ref]; ok {
		return vm, nil
	}
	base, err := g.guestRoot()
	if err != nil {
		return nil, err
	}
	vm := &guestVM{ref: ref, root: filepath.Join(base, ref.Value), nextPid: 1000, procs: map[int64]*guestProcess{}, boot: time.Now()}
	for _, d := range []struct {
		name string
		mode os.FileMode
	}{{"", 0o755}, {"tmp", 0o777 | os.ModeSticky}, {"root", 0o700}, {"home", 0o755}} {
		p := filepath.Join(vm.root, d.name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, err
		}
		_ = os.Chmod(p, d.mode)
	}
	vm.addSystemProcesses()
	g.vms[ref] = vm
	return vm, nil
}

// prepare runs the checks every guest operation starts with and returns the authenticated call.
func (g *guestOps) prepare(ref types.ManagedObjectReference, auth types.BaseGuestAuthentication) (*guestCall, *soap.Fault) {
	sim, obj, ok := gxVM(ref)
	if !ok {
		return nil, gxNotFound(ref)
	}
	var power types.VirtualMachinePowerState
	var tools, hostName string
	user, password := g.cfg.user, g.cfg.password
	simulator.Map.WithLock(obj, func() {
		power = sim.Runtime.PowerState
		hostName = sim.Name
		if sim.Guest != nil {
			tools = sim.Guest.ToolsRunningStatus
			if sim.Guest.HostName != "" {
				hostName = sim.Guest.HostName
			}
		}
		if sim.Config != nil {
			for _, o := range sim.Config.ExtraConfig {
				opt := o.GetOptionValue()
				switch opt.Key {
				case guestUserKey:
					user = fmt.Sprint(opt.Value)
				case guestPasswordKey:
					password = fmt.Sprint(opt.Value)
				}
			}
		}
	})

	if power != types.VirtualMachinePowerStatePoweredOn {
		return nil, simulator.Fault(fmt.Sprintf("The attempted operation cannot be performed in the current state (%s).", power),
			&types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOn, ExistingState: power})
	}
	if tools != string(types.VirtualMachineToolsRunningStatusGuestToolsRunning) {
		return nil, simulator.Fault("The guest operations agent could not be contacted.", &types.GuestOperationsUnavailable{})
	}
	switch a := auth.(type) {
	case *types.NamePasswordAuthentication:
		if a.Username != user || a.Password != password {
			return nil, guestLoginFault()
		}
	case nil:
		return nil, simulator.Fault("auth is required", &types.InvalidArgument{InvalidProperty: "auth"})
	default:
		return nil, guestLoginFault()
	}

	vm, err := g.sandbox(ref)
	if err != nil {
		return nil, simulator.Fault(err.Error(), &types.GuestOperationsFault{})
	}
	c := &guestCall{g: g, vm: vm, user: user, hostName: hostName}
	if !c.root() {
		home := c.hostPath(c.home())
		if _, err := os.Stat(home); err != nil {
			_ = os.MkdirAll(home, 0o755)
		}
	}
	return c, nil
}

func guestLoginFault() *soap.Fault {
	return simulator.Fault("Failed to authenticate with the guest operating system using the supplied credentials.",
		&types.InvalidGuestLogin{})
}

// guestPath validates an absolute guest path argument and returns it cleaned.
func guestPath(p, field string) (string, *soap.Fault) {
	if !strings.HasPrefix(p, "/") {
		return "", simulator.Fault(fmt.Sprintf("%s must be an absolute guest path: %q", field, p),
			&types.InvalidArgument{InvalidProperty: field})
	}
	return path.Clean(p), nil
}

// hostPath maps a guest path into the VM's sandbox.
func (c *guestCall) hostPath(guest string) string {
	return filepath.Join(c.vm.root, filepath.FromSlash(path.Clean("/"+guest)))
}

// guestFromHost maps a host path inside the sandbox back to the guest path ("" if it is outside).
func (c *guestCall) guestFromHost(host string) string {
	rel, err := filepath.Rel(c.vm.root, host)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return path.Clean("/" + filepath.ToSlash(rel))
}

type guestAccess int

const (
	guestRead   guestAccess = iota // read a file or list a directory
	guestWrite                     // change a file's content
	guestCreate                    // create an entry (checked on its parent directory)
	guestRemove                    // remove or rename an entry (checked on its parent directory)
)

func guestDenied(guest string) *soap.Fault {
	return simulator.Fault(fmt.Sprintf("Insufficient permissions in guest operating system to access %s", guest),
		&types.GuestPermissionDenied{})
}

// allow applies the permission model described at the top of this file.
func (c *guestCall) allow(guest string, access guestAccess) *soap.Fault {
	if guest == "/" && (access == guestRemove || access == guestCreate) {
		return guestDenied(guest)
	}
	if c.root() {
		return nil
	}
	if guest == "/root" || strings.HasPrefix(guest, "/root/") {
		return guestDenied(guest)
	}
	bit := os.FileMode(0o400)
	target := guest
	switch access {
	case guestWrite:
		bit = 0o200
	case guestCreate, guestRemove:
		bit = 0o200
		target = path.Dir(guest)
		if target == "/" {
			return guestDenied(guest)
		}
	}
	if fi, err := os.Stat(c.hostPath(target)); err == nil && fi.Mode().Perm()&bit == 0 {
		return guestDenied(guest)
	}
	return nil
}

// guestFileFault maps a host filesystem error on the guest path to the vSphere fault.
func guestFileFault(err error, guest string) *soap.Fault {
	ff := types.FileFault{File: guest}
	switch {
	case errors.Is(err, os.ErrNotExist):
		return simulator.Fault(fmt.Sprintf("File %s was not found", guest), &types.FileNotFound{FileFault: ff})
	case errors.Is(err, syscall.ENOTEMPTY): // before ErrExist, which matches ENOTEMPTY too
		return simulator.Fault(fmt.Sprintf("The directory %s is not empty", guest), &types.DirectoryNotEmpty{FileFault: ff})
	case errors.Is(err, os.ErrExist):
		return simulator.Fault(fmt.Sprintf("Cannot complete the operation because the file or folder %s already exists", guest),
			&types.FileAlreadyExists{FileFault: ff})
	case errors.Is(err, os.ErrPermission):
		return guestDenied(guest)
	case errors.Is(err, syscall.ENOTDIR):
		return simulator.Fault(fmt.Sprintf("%s is not a directory", guest), &types.NotADirectory{FileFault: ff})
	case errors.Is(err, syscall.EISDIR):
		return simulator.Fault(fmt.Sprintf("%s is not a file", guest), &types.NotAFile{FileFault: ff})
	}
	return simulator.Fault(fmt.Sprintf("%s: %v", guest, errors.Unwrap(err)), &ff)
}

func guestNotFound(guest string) *soap.Fault {
	return guestFileFault(os.ErrNotExist, guest)
}

func guestExists(guest string) *soap.Fault {
	return guestFileFault(os.ErrExist, guest)
}

func guestNotAFile(guest string) *soap.Fault {
	return guestFileFault(syscall.EISDIR, guest)
}

func guestNotADirectory(guest string) *soap.Fault {
	return guestFileFault(syscall.ENOTDIR, guest)
}

// requireDir checks that the guest directory exists.
func (c *guestCall) requireDir(guest string) *soap.Fault {
	fi, err := os.Stat(c.hostPath(guest))
	if err != nil {
		return guestFileFault(err, guest)
	}
	if !fi.IsDir() {
		return guestNotADirectory(guest)
	}
	return nil
}

// fileInfo converts host file information to the guest's GuestFileInfo.
func (c *guestCall) fileInfo(name, host string, fi os.FileInfo) types.GuestFileInfo {
	info := types.GuestFileInfo{Path: name, Size: fi.Size(), Attributes: c.attributes(host, fi)}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		info.Type = string(types.GuestFileTypeSymlink)
	case fi.IsDir():
		info.Type = string(types.GuestFileTypeDirectory)
	default:
		info.Type = string(types.GuestFileTypeFile)
	}
	return info
}

// attributes returns the POSIX attributes of a host file as the guest reports them.
func (c *guestCall) attributes(host string, fi os.FileInfo) *types.GuestPosixFileAttributes {
	mtime := fi.ModTime()
	attrs := &types.GuestPosixFileAttributes{
		GuestFileAttributes: types.GuestFileAttributes{ModificationTime: &mtime},
		Permissions:         int64(fi.Mode().Perm()),
	}
	if fi.Mode()&os.ModeSetuid != 0 {
		attrs.Permissions |= 0o4000
	}
	if fi.Mode()&os.ModeSetgid != 0 {
		attrs.Permissions |= 0o2000
	}
	if fi.Mode()&os.ModeSticky != 0 {
		attrs.Permissions |= 0o1000
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		atime := time.Unix(st.Atim.Unix())
		uid, gid := int32(st.Uid), int32(st.Gid)
		attrs.AccessTime = &atime
		attrs.OwnerId, attrs.GroupId = &uid, &gid
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		if target, err := os.Readlink(host); err == nil {
			if filepath.IsAbs(target) {
				if g := c.guestFromHost(target); g != "" {
					target = g
				}
			}
			attrs.SymlinkTarget = target
		}
	}
	return attrs
}

// serve registers the transfer endpoint on mux (the hosts' endpoint, or the server's mux in ESX mode), once.
func (g *guestOps) serve(mux *http.ServeMux) {
	g.serveOnce.Do(func() {
		if mux != nil {
			mux.HandleFunc(guestTransferPath, g.serveTransfer)
		}
	})
}

// registerTransfer records a transfer and returns its URL.
func (g *guestOps) registerTransfer(t *guestTransfer) string {
	site := transferSiteOf(g.svc)
	g.serve(site.mux)
	token := make([]byte, 16)
	_, _ = rand.Read(token)

	g.mu.Lock()
	now := time.Now()
	for id, old := range g.transfers {
		if now.After(old.expires) {
			delete(g.transfers, id)
		}
	}
	g.nextID++
	t.id = strconv.FormatInt(g.nextID, 10)
	t.token = hex.EncodeToString(token)
	t.expires = now.Add(guestTransferLifetime)
	g.transfers[t.id] = t
	g.mu.Unlock()

	return fmt.Sprintf("%s://%s%s?id=%s&token=%s", site.scheme, site.host, guestTransferPath, t.id, t.token)
}

// serveTransfer is the /guestFile endpoint.
func (g *guestOps) serveTransfer(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id, token := q.Get("id"), q.Get("token")

	g.mu.Lock()
	t, ok := g.transfers[id]
	if ok && (t.token != token || time.Now().After(t.expires)) {
		ok = false
	}
	g.mu.Unlock()
	if !ok {
		http.Error(w, "invalid, expired or used guest file transfer URL", http.StatusForbidden)
		return
	}

	switch {
	case t.upload && r.Method == http.MethodPut:
	case !t.upload && (r.Method == http.MethodGet || r.Method == http.MethodHead):
	default:
		http.Error(w, "method not allowed for this transfer", http.StatusMethodNotAllowed)
		return
	}

	if !g.guestRunning(t.vm) {
		http.Error(w, "the virtual machine is no longer powered on with guest tools running", http.StatusConflict)
		return
	}

	if !t.upload {
		f, err := os.Open(t.hostPath)
		if err != nil {
			log.Printf("guest download %s: %v", t.guestPath, err)
			http.Error(w, "cannot read the guest file", http.StatusInternalServerError)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || fi.IsDir() {
			http.Error(w, "cannot read the guest file", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		http.ServeContent(w, r, path.Base(t.guestPath), fi.ModTime(), f)
		return
	}

	g.mu.Lock()
	if t.busy {
		g.mu.Unlock()
		http.Error(w, "another upload to this URL is in progress", http.StatusConflict)
		return
	}
	t.busy = true
	g.mu.Unlock()
	status, msg := g.receive(t, r.Body)
	g.mu.Lock()
	t.busy = false
	if status == http.StatusOK {
		delete(g.transfers, t.id)
	}
	g.mu.Unlock()
	if status != http.StatusOK {
		http.Error(w, msg, status)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// receive writes an upload to a temporary file beside the target and renames it into place.
func (g *guestOps) receive(t *guestTransfer, body io.Reader) (int, string) {
	dir := filepath.Dir(t.hostPath)
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		log.Printf("guest upload %s: %v", t.guestPath, err)
		return http.StatusInternalServerError, "cannot write the guest file"
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		log.Printf("guest upload %s: %v", t.guestPath, err)
		return http.StatusInternalServerError, "cannot write the guest file"
	}
	if n != t.size {
		return http.StatusBadRequest, fmt.Sprintf("received %d bytes, but the transfer was initiated with fileSize %d", n, t.size)
	}
	if !t.overwrite {
		if _, err := os.Lstat(t.hostPath); err == nil {
			return http.StatusConflict, fmt.Sprintf("%s already exists", t.guestPath)
		}
	}
	mode := os.FileMode(0o644)
	if t.attrs != nil && t.attrs.Permissions != 0 {
		mode = os.FileMode(t.attrs.Permissions & 0o777)
	}
	_ = os.Chmod(tmp.Name(), mode)
	if t.attrs != nil {
		guestApplyTimes(tmp.Name(), t.attrs)
		if t.attrs.OwnerId != nil || t.attrs.GroupId != nil {
			uid, gid := -1, -1
			if t.attrs.OwnerId != nil {
				uid = int(*t.attrs.OwnerId)
			}
			if t.attrs.GroupId != nil {
				gid = int(*t.attrs.GroupId)
			}
			_ = os.Lchown(tmp.Name(), uid, gid)
		}
	}
	if err := os.Rename(tmp.Name(), t.hostPath); err != nil {
		log.Printf("guest upload %s: %v", t.guestPath, err)
		return http.StatusInternalServerError, "cannot write the guest file"
	}
	return http.StatusOK, ""
}

// guestApplyTimes sets the modification and access times given in attrs (unset ones are kept).
func guestApplyTimes(host string, attrs *types.GuestPosixFileAttributes) {
	if attrs.ModificationTime == nil && attrs.AccessTime == nil {
		return
	}
	fi, err := os.Stat(host)
	if err != nil {
		return
	}
	mtime, atime := fi.ModTime(), fi.ModTime()
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		atime = time.Unix(st.Atim.Unix())
	}
	if attrs.ModificationTime != nil {
		mtime = *attrs.ModificationTime
	}
	if attrs.AccessTime != nil {
		atime = *attrs.AccessTime
	}
	_ = os.Chtimes(host, atime, mtime)
}

// guestRunning reports whether the VM still exists, is powered on and has tools running.
func (g *guestOps) guestRunning(ref types.ManagedObjectReference) bool {
	sim, obj, ok := gxVM(ref)
	if !ok {
		return false
	}
	running := false
	simulator.Map.WithLock(obj, func() {
		running = sim.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn && sim.Guest != nil &&
			sim.Guest.ToolsRunningStatus == string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
	})
	return running
}

// GuestFileManager methods.

func (m *guestFileManager) MakeDirectoryInGuest(req *types.MakeDirectoryInGuest) soap.HasFault {
	body := new(methods.MakeDirectoryInGuestBody)
	body.Fault_ = func() *soap.Fault {
		c, f := m.g.prepare(req.Vm, req.Auth)
		if f != nil {
			return f
		}
		guest, f := guestPath(req.DirectoryPath, "directoryPath")
		if f != nil {
			return f
		}
		host := c.hostPath(guest)
		if _, err := os.Lstat(host); err == nil {
			return guestExists(guest)
		}
		// The first missing ancestor is the entry that gets created in an existing directory.
		first := guest
		for p := path.Dir(guest); p != "/"; p = path.Dir(p) {
			if _, err := os.Lstat(c.hostPath(p)); err == nil {
				break
			}
			first = p
		}
		if first != guest && !req.CreateParentDirectories {
			return guestNotFound(path.Dir(guest))
		}
		if fi, err := os.Stat(c.hostPath(path.Dir(first))); err == nil && !fi.IsDir() {
			return guestNotADirectory(path.Dir(first))
		}
		if f := c.allow(first, guestCreate); f != nil {
			return f
		}
		var err error
		if req.CreateParentDirectories {
			err = os.MkdirAll(host, 0o755)
		} else {
			err = os.Mkdir(host, 0o755)
		}
		if err != nil {
			return guestFileFault(err, guest)
		}
		return nil
	}()
	if body.Fault_ == nil {
		body.Res = new(types.MakeDirectoryInGuestResponse)
	}
	return body
}

func (m *guestFileManager) DeleteFileInGuest(req *types.DeleteFileInGuest) soap.HasFault {
	body := new(methods.DeleteFileInGuestBody)
	body.Fault_ = func() *soap.Fault {
		c, f := m.g.prepare(req.Vm, req.Auth)
		if f != nil {
			return f
		}
		guest, f := guestPath(req.FilePath, "filePath")
		if f != nil {
			return f
		}
		fi, err := os.Lstat(c.hostPath(guest))
		if err != nil {
			return guestFileFault(err, guest)
		}
		if fi.IsDir() {
			return guestNotAFile(guest)
		}
		if f := c.allow(guest, guestRemove); f != nil {
			return f
		}
		if err := os.Remove(c.hostPath(guest)); err != nil {
			return guestFileFault(err, guest)
		}
		return nil
	}()
	if body.Fault_ == nil {
		body.Res = new(types.DeleteFileInGuestResponse)
	}
	return body
}

func (m *guestFileManager) DeleteDirectoryInGuest(req *types.DeleteDirectoryInGuest) soap.HasFault {
	body := new(methods.DeleteDirectoryInGuestBody)
	body.Fault_ = func() *soap.Fault {
		c, f := m.g.prepare(req.Vm, req.Auth)
		if f != nil {
			return f
		}
		guest, f := guestPath(req.DirectoryPath, "directoryPath")
		if f != nil {
			return f
		}
		if guest == "/" {
			return guestDenied(guest)
		}
		fi, err := os.Lstat(c.hostPath(guest))
		if err != nil {
			return guestFileFault(err, guest)
		}
		if !fi.IsDir() {
			return guestNotADirectory(guest)
		}
		if f := c.allow(guest, guestRemove); f != nil {
			return f
		}
		if req.Recursive {
			err = os.RemoveAll(c.hostPath(guest))
		} else {
			err = os.Remove(c.hostPath(guest))
		}
		if err != nil {
			return guestFileFault(err, guest)
		}
		return nil
	}()
	if body.Fault_ == nil {
		body.Res = new(types.DeleteDirectoryInGuestResponse)
	}
	return body
}

func (m *guestFileManager) MoveFileInGuest(req *types.MoveFileInGuest) soap.HasFault {
	body := new(methods.MoveFileInGuestBody)
	body.Fault_ = func() *soap.Fault {
		c, f := m.g.prepare(req.Vm, req.Auth)
		if f != nil {
			return f
		}
		src, f := guestPath(req.SrcFilePath, "srcFilePath")
		if f != nil {
			return f
		}
		dst, f := guestPath(req.DstFilePath, "dstFilePath")
		if f != nil {
			return f
		}
		fi, err := os.Lstat(c.hostPath(src))
		if err != nil {
			return guestFileFault(err, src)
		}
		if fi.IsDir() {
			return guestNotAFile(src)
		}
		if f := c.requireDir(path.Dir(dst)); f != nil {
			return f
		}
		access := guestCreate
		if dfi, err := os.Lstat(c.hostPath(dst)); err == nil {
			if dfi.IsDir() {
				return guestNotAFile(dst)
			}
			if !req.Overwrite {
				return guestExists(dst)
			}
			access = guestRemove
		}
		if f := c.allow(src, guestRemove); f != nil {
			return f
		}
		if f := c.allow(dst, access); f != nil {
			return f
		}
		if err := os.Rename(c.hostPath(src), c.hostPath(dst)); err != nil {
			return guestFileFault(err, dst)
		}
		return nil
	}()
	if body.Fault_ == nil {
		body.Res = new(types.MoveFileInGuestResponse)
	}
	return body
}

func (m *guestFileManager) MoveDirectoryInGuest(req *types.MoveDirectoryInGuest) soap.HasFault {
	body := new(methods.MoveDirectoryInGuestBody)
	body.Fault_ = func() *soap.Fault {
		c, f := m.g.prepare(req.Vm, req.Auth)
		if f != nil {
			return f
		}
		src, f := guestPath(req.SrcDirectoryPath, "srcDirectoryPath")
		if f != nil {
			return f
		}
		dst, f := guestPath(req.DstDirectoryPath, "dstDirectoryPath")
		if f != nil {
			return f
		}
		if src == "/" {
			return guestDenied(src)
		}
		fi, err := os.Lstat(c.hostPath(src))
		if err != nil {
			return guestFileFault(err, src)
		}
		if !fi.IsDir() {
			return guestNotADirectory(src)
		}
		if _, err := os.Lstat(c.hostPath(dst)); err == nil {
			return guestExists(dst)
		}
		if dst == src || strings.HasPrefix(dst, src+"/") {
			return simulator.Fault(fmt.Sprintf("cannot move %s into itself", src),
				&types.InvalidArgument{InvalidProperty: "dstDirectoryPath"})
		}
		if f := c.requireDir(path.Dir(dst)); f != nil {
			return f
		}
		if f := c.allow(src, guestRemove); f != nil {
			return f
		}
		if f := c.allow(dst, guestCreate); f != nil {
			return f
		}
		if err := os.Rename(c.hostPath(src), c.hostPath(dst)); err != nil {
			return guestFileFault(err, dst)
		}
		return nil
	}()
	if body.Fault_ == nil {
		body.Res = new(types.MoveDirectoryInGuestResponse)
	}
	return body
}

// mktemp creates a uniquely named file or directory for CreateTemporary{File,Directory}InGuest.
func (m *guestFileManager) mktemp(vm types.ManagedObjectReference, auth types.BaseGuestAuthentication,
	prefix, suffix, dir string, isDir bool) (string, *soap.Fault) {
	c, f := m.g.prepare(vm, auth)
	if f != nil {
		return "", f
	}
	if dir == "" {
		dir = "/tmp"
	}
	dir, f = guestPath(dir, "directoryPath")
	if f != nil {
		return "", f
	}
	if strings.ContainsAny(prefix+suffix, "/\x00") {
		return "", simulator.Fault("prefix and suffix must not contain '/'", &types.InvalidArgument{InvalidProperty: "prefix"})
	}
	if f := c.requireDir(dir); f != nil {
		return "", f
	}
	if f := c.allow(path.Join(dir, prefix+"x"+suffix), guestCreate); f != nil {
		return "", f
	}
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for attempt := 0; attempt < 100; attempt++ {
		random := make([]byte, 6)
		_, _ = rand.Read(random)
		for i := range random {
			random[i] = letters[int(random[i])%len(letters)]
		}
		guest := path.Join(dir, prefix+string(random)+suffix)
		host := c.hostPath(guest)
		var err error
		if isDir {
			err = os.Mkdir(host, 0o700)
		} else {
			var file *os.File
			file, err = os.OpenFile(host, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err == nil {
				err = file.Close()
			}
		}
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", guestFileFault(err, guest)
		}
		return guest, nil
	}
	return "", simulator.Fault("cannot find an unused temporary name", &types.GuestOperationsFault{})
}

func (m *guestFileManager) CreateTemporaryFileInGuest(req *types.CreateTemporaryFileInGuest) soap.HasFault {
	body := new(methods.CreateTemporaryFileInGuestBody)
	name, f := m.mktemp(req.Vm, req.Auth, req.Prefix, req.Suffix, req.DirectoryPath, false)
	if f != nil {
		body.Fault_ = f
		return body
	}
	body.Res = &types.CreateTemporaryFileInGuestResponse{Returnval: name}
	return body
}

func (m *guestFileManager) CreateTemporaryDirectoryInGuest(req *types.CreateTemporaryDirectoryInGuest) soap.HasFault {
	body := new(methods.CreateTemporaryDirectoryInGuestBody)
	name, f := m.mktemp(req.Vm, req.Auth, req.Prefix, req.Suffix, req.DirectoryPath, true)
	if f != nil {
		body.Fault_ = f
		return body
	}
	body.Res = &types.CreateTemporaryDirectoryInGuestResponse{Returnval: name}
	return body
}

func (m *guestFileManager) ListFilesInGuest(req *types.ListFilesInGuest) soap.HasFault {
	body := new(methods.ListFilesInGuestBody)
	var res types.GuestListFileInfo
	body.Fault_ = func() *soap.Fault {
		c, f := m.g.prepare(req.Vm, req.Auth)
		if f != nil {
			return f
		}
		guest, f := guestPath(req.FilePath, "filePath")
		if f != nil {
			return f
		}
		pattern := req.MatchPattern
		if pattern == "" {
			pattern = ".*"
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return simulator.Fault(fmt.Sprintf("invalid matchPattern: %v", err), &types.InvalidArgument{InvalidProperty: "matchPattern"})
		}
		if req.Index < 0 {
			return simulator.Fault("index must not be negative", &types.InvalidArgument{InvalidProperty: "index"})
		}
		if req.MaxResults < 0 {
			return simulator.Fault("maxResults must not be negative", &types.InvalidArgument{InvalidProperty: "maxResults"})
		}
		host := c.hostPath(guest)
		fi, err := os.Lstat(host)
		if err != nil {
			return guestFileFault(err, guest)
		}
		if f := c.allow(guest, guestRead); f != nil {
			return f
		}

		var all []types.GuestFileInfo
		if fi.IsDir() {
			entries, err := os.ReadDir(host)
			if err != nil {
				return guestFileFault(err, guest)
			}
			// ReadDir sorts by name, standing in for the guest's inode order.
			for _, e := range entries {
				if !re.MatchString(e.Name()) {
					continue
				}
				efi, err := os.Lstat(filepath.Join(host, e.Name()))
				if err != nil {
					continue
				}
				all = append(all, c.fileInfo(e.Name(), filepath.Join(host, e.Name()), efi))
			}
		} else if re.MatchString(path.Base(guest)) {
			all = append(all, c.fileInfo(path.Base(guest), host, fi))
		}

		max := int(req.MaxResults)
		if max == 0 {
			max = guestListDefaultMax
		}
		start := int(req.Index)
		if start > len(all) {
			start = len(all)
		}
		end := start + max
		if end > len(all) {
			end = len(all)
		}
		res.Files = all[start:end]
		res.Remaining = int32(len(all) - end)
		return nil
	}()
	if body.Fault_ == nil {
		body.Res = &types.ListFilesInGuestResponse{Returnval: res}
	}
	return body
}

func (m *guestFileManager) ChangeFileAttributesInGuest(req *types.ChangeFileAttributesInGuest) soap.HasFault {
	body := new(methods.ChangeFileAttributesInGuestBody)
	body.Fault_ = func() *soap.Fault {
		c, f := m.g.prepare(req.Vm, req.Auth)
		if f != nil {
			return f
		}
		guest, f := guestPath(req.GuestFilePath, "guestFilePath")
		if f != nil {
			return f
		}
		host := c.hostPath(guest)
		if _, err := os.Stat(host); err != nil {
			return guestFileFault(err, guest)
		}
		attrs, ok := req.FileAttributes.(*types.GuestPosixFileAttributes)
		if !ok {
			return simulator.Fault("only POSIX file attributes apply to this guest", &types.OperationNotSupportedByGuest{})
		}
		if guest == "/root" || strings.HasPrefix(guest, "/root/") {
			if f := c.allow(guest, guestRead); f != nil {
				return f
			}
		}
		if attrs.OwnerId != nil || attrs.GroupId != nil {
			if !c.root() {
				return guestDenied(guest)
			}
			uid, gid := -1, -1
			if attrs.OwnerId != nil {
				uid = int(*attrs.OwnerId)
			}
			if attrs.GroupId != nil {
				gid = int(*attrs.GroupId)
			}
			if err := os.Chown(host, uid, gid); err != nil {
				return guestFileFault(err, guest)
			}
		}
		if attrs.Permissions != 0 {
			mode := os.FileMode(attrs.Permissions & 0o777)
			if attrs.Permissions&0o4000 != 0 {
				mode |= os.ModeSetuid
			}
			if attrs.Permissions&0o2000 != 0 {
				mode |= os.ModeSetgid
			}
			if attrs.Permissions&0o1000 != 0 {
				mode |= os.ModeSticky
			}
			if err := os.Chmod(host, mode); err != nil {
				return guestFileFault(err, guest)
			}
		}
		guestApplyTimes(host, attrs)
		return nil
	}()
	if body.Fault_ == nil {
		body.Res = new(types.ChangeFileAttributesInGuestResponse)
	}
	return body
}

func (m *guestFileManager) InitiateFileTransferFromGuest(req *types.InitiateFileTransferFromGuest) soap.HasFault {
	body := new(methods.InitiateFileTransferFromGuestBody)
	var res types.FileTransferInformation
	body.Fault_ = func() *soap.Fault {
		c, f := m.g.prepare(req.Vm, req.Auth)
		if f != nil {
			return f
		}
		guest, f := guestPath(req.GuestFilePath, "guestFilePath")
		if f != nil {
			return f
		}
		host := c.hostPath(guest)
		fi, err := os.Lstat(host)
		if err != nil {
			return guestFileFault(err, guest)
		}
		if !fi.Mode().IsRegular() {
			return guestNotAFile(guest)
		}
		if f := c.allow(guest, guestRead); f != nil {
			return f
		}
		res = types.FileTransferInformation{
			Attributes: c.attributes(host, fi),
			Size:       fi.Size(),
			Url: m.g.registerTransfer(&guestTransfer{
				vm: req.Vm, guestPath: guest, hostPath: host, size: fi.Size(),
			}),
		}
		return nil
	}()
	if body.Fault_ == nil {
		body.Res = &types.InitiateFileTransferFromGuestResponse{Returnval: res}
	}
	return body
}

func (m *guestFileManager) InitiateFileTransferToGuest(req *types.InitiateFileTransferToGuest) soap.HasFault {
	body := new(methods.InitiateFileTransferToGuestBody)
	var url string
	body.Fault_ = func() *soap.Fault {
		c, f := m.g.prepare(req.Vm, req.Auth)
		if f != nil {
			return f
		}
		guest, f := guestPath(req.GuestFilePath, "guestFilePath")
		if f != nil {
			return f
		}
		if req.FileSize < 0 {
			return simulator.Fault("fileSize must not be negative", &types.InvalidArgument{InvalidProperty: "fileSize"})
		}
		if guest == "/" {
			return guestNotAFile(guest)
		}
		if f := c.requireDir(path.Dir(guest)); f != nil {
			return f
		}
		host := c.hostPath(guest)
		access := guestCreate
		if fi, err := os.Lstat(host); err == nil {
			if !fi.Mode().IsRegular() {
				return guestNotAFile(guest)
			}
			if !req.Overwrite {
				return guestExists(guest)
			}
			access = guestWrite
		}
		if f := c.allow(guest, access); f != nil {
			return f
		}
		attrs, _ := req.FileAttributes.(*types.GuestPosixFileAttributes)
		if attrs != nil && (attrs.OwnerId != nil || attrs.GroupId != nil) && !c.root() {
			return guestDenied(guest)
		}
		url = m.g.registerTransfer(&guestTransfer{
			vm: req.Vm, guestPath: guest, hostPath: host, upload: true,
			size: req.FileSize, overwrite: req.Overwrite, attrs: attrs,
		})
		return nil
	}()
	if body.Fault_ == nil {
		body.Res = &types.InitiateFileTransferToGuestResponse{Returnval: url}
	}
	return body
}

// VM power and lifecycle events.

func (h *guestEvents) Reference() types.ManagedObjectReference { return guestEventsRef }

func (h *guestEvents) PutObject(mo.Reference) {}

func (h *guestEvents) UpdateObject(obj mo.Reference, changes []types.PropertyChange) {
	ref := obj.Reference()
	if ref.Type != "VirtualMachine" {
		return
	}
	for _, c := range changes {
		switch {
		case c.Name == "runtime.powerState":
			h.g.powerChanged(ref, types.VirtualMachinePowerState(fmt.Sprint(c.Val)))
		case c.Name == "guest.guestState" && fmt.Sprint(c.Val) == string(types.VirtualMachineGuestStateResetting):
			h.g.rebooted(ref) // a guest reboot (RebootGuest) announces itself this way
		}
	}
}

func (h *guestEvents) RemoveObject(ref types.ManagedObjectReference) {
	if ref.Type == "VirtualMachine" {
		h.g.removed(ref)
	}
}

// powerChanged makes the guest follow the VM: powering off kills the guest's processes, suspending stops them and
// powering on (resuming) lets them continue. A guest reboot (guest.guestState "resetting") kills them too.
func (g *guestOps) powerChanged(ref types.ManagedObjectReference, state types.VirtualMachinePowerState) {
	g.mu.Lock()
	vm := g.vms[ref]
	g.mu.Unlock()
	if vm == nil {
		return
	}
	switch state {
	case types.VirtualMachinePowerStatePoweredOff:
		vm.signalAll(syscall.SIGKILL)
		vm.mu.Lock()
		vm.boot = time.Time{}
		vm.mu.Unlock()
	case types.VirtualMachinePowerStateSuspended:
		vm.signalAll(syscall.SIGSTOP)
	case types.VirtualMachinePowerStatePoweredOn:
		vm.signalAll(syscall.SIGCONT)
		vm.mu.Lock()
		if vm.boot.IsZero() {
			vm.boot = time.Now()
			vm.addSystemProcessesLocked()
		}
		vm.mu.Unlock()
	}
}

// rebooted restarts the guest's process table: its programs are killed and the system processes start again.
func (g *guestOps) rebooted(ref types.ManagedObjectReference) {
	g.mu.Lock()
	vm := g.vms[ref]
	g.mu.Unlock()
	if vm == nil {
		return
	}
	vm.signalAll(syscall.SIGKILL)
	vm.mu.Lock()
	vm.boot = time.Now()
	vm.addSystemProcessesLocked()
	vm.mu.Unlock()
}

// removed discards the guest of a destroyed VM: its processes and its filesystem.
func (g *guestOps) removed(ref types.ManagedObjectReference) {
	g.mu.Lock()
	vm := g.vms[ref]
	delete(g.vms, ref)
	g.mu.Unlock()
	if vm == nil {
		return
	}
	vm.signalAll(syscall.SIGKILL)
	_ = os.RemoveAll(vm.root)
}

// guestSortedKeys returns the keys of an environment map in order.
func guestSortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
