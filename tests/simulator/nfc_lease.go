package main

// HttpNfcLease for ImportVApp and ExportVm (ovf_export.go), with /nfc/ transfers that read and write the real
// datastore files.
//
// The stock lease's upload endpoint discards the bytes it receives. Here each lease serves its own
// "/nfc/<lease moref>/" subtree, on the hosts' endpoint in vCenter mode, else on the simulator's mux (more specific
// than the stock "/nfc/", so it wins):
//
//   - import leases (ImportVApp): PUT or POST of a device URL writes the request body, byte for byte, into the
//     datastore file that backs the device (the VM's .vmdk, or an ISO image). A disk must be a whole streamOptimized
//     VMDK (vmdk_stream.go), as NFC requires; anything else is refused with 400 and a reason, and the VM's disk file
//     is left as it was. There is no conversion: the VMDK is stored as sent, so a test can compare the file with
//     what it uploaded.
//   - export leases (ExportVm): GET (or HEAD) of a disk's device URL streams a streamOptimized VMDK with chunked
//     encoding and no Content-Length, as ESXi does: the stored file itself when it is one (a disk that was
//     imported), else the file's bytes encoded as one, of the disk's capacity (a disk the simulator created).
//     Other files (ISO images) are served as they are, with Range support.
//
// Device URLs name the ESXi host, as vCenter's do: in vCenter mode "https://127.0.0.1:<port>/nfc/<lease moref>/<file>"
// on the hosts' endpoint (host_endpoint.go), with sslThumbprint the SHA-1 of its certificate; in ESX mode
// "<scheme>://*/nfc/<lease moref>/<file>", the scheme being the simulator's own (the stock lease always says https),
// "*" standing for the host:port the client called, as for vSphere's "*" host. The transfers
// need no session cookie (vSphere's NFC tickets are in the URL). Answers: 200; 404 for an unknown file or a lease
// that is no longer ready (completed, aborted); 405 for a method the lease does not allow; 500 for I/O errors.
//
// Lease methods: HttpNfcLeaseProgress(percent 0-100, else InvalidArgument) sets transferProgress;
// HttpNfcLeaseComplete sets state done; HttpNfcLeaseAbort(fault) sets state error and error (for an import it
// also destroys the VM being imported, as vSphere does); HttpNfcLeaseGetManifest returns, per device, its key, the
// SHA-1 of the file's current bytes, size, disk, capacity and populatedSize. All four require state ready
// (else InvalidState). The lease stays readable after it ends.

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const nfcPathPrefix = "/nfc/"

// nfcLease replaces the simulator's HttpNfcLease in the session registry, under the same moref for imports.
type nfcLease struct {
	mo.HttpNfcLease

	export bool
	files  map[string]*nfcFile // by the file name that ends the device URL
}

// nfcFile is one device of a lease.
type nfcFile struct {
	key      string // HttpNfcLeaseDeviceUrl.key
	host     string // the datastore file on the simulator's host
	disk     bool
	capacity int64 // bytes, for disks
}

// nfcURL is the device URL of file name in lease ref: on the hosts' endpoint in vCenter mode, else on the server
// with the "*" host.
func nfcURL(svc *simulator.Service, ref types.ManagedObjectReference, name string) string {
	site := transferSiteOf(svc)
	return (&url.URL{Scheme: site.scheme, Host: site.host, Path: nfcPathPrefix + ref.Value + "/" + name}).String()
}

// nfcThumbprint is the HttpNfcLeaseDeviceUrl.sslThumbprint of the device URLs ("" with the "*" host).
func nfcThumbprint(svc *simulator.Service) string {
	return transferSiteOf(svc).thumbprint
}

// serve registers the lease's transfer endpoint on the mux that serves the device URLs.
func (l *nfcLease) serve(svc *simulator.Service) {
	mux := transferSiteOf(svc).mux
	if mux == nil {
		return
	}
	mux.HandleFunc(nfcPathPrefix+l.Self.Value+"/", l.transfer)
}

// ready reports whether the lease is in state ready.
func (l *nfcLease) ready() bool {
	ready := false
	simulator.Map.WithLock(l, func() { ready = l.State == types.HttpNfcLeaseStateReady })
	return ready
}

func (l *nfcLease) transfer(w http.ResponseWriter, r *http.Request) {
	name := path.Base(r.URL.Path)
	file, ok := l.files[name]
	if !ok || !l.ready() {
		http.NotFound(w, r)
		return
	}
	switch {
	case l.export && file.disk && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		l.exportDisk(w, r, file)
	case l.export && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		f, err := os.Open(file.host)
		if err != nil {
			log.Printf("nfc %s %s: %v", r.Method, r.URL.Path, err)
			http.Error(w, "cannot read the file", http.StatusInternalServerError)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			http.Error(w, "cannot read the file", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		http.ServeContent(w, r, name, fi.ModTime(), f)
	case !l.export && (r.Method == http.MethodPut || r.Method == http.MethodPost):
		l.importFile(w, r, file)
	default:
		http.Error(w, "method not allowed on this lease", http.StatusMethodNotAllowed)
	}
}

// importFile stores the request body as the device's file. It is written beside the file first, so a refused disk
// leaves the file as it was.
func (l *nfcLease) importFile(w http.ResponseWriter, r *http.Request, file *nfcFile) {
	f, err := os.CreateTemp(path.Dir(file.host), ".nfc-upload-*")
	if err != nil {
		log.Printf("nfc %s %s: %v", r.Method, r.URL.Path, err)
		http.Error(w, "cannot write the file", http.StatusInternalServerError)
		return
	}
	defer os.Remove(f.Name())
	n, err := io.Copy(f, r.Body)
	if err == nil && file.disk {
		if reason := checkStreamOptimized(f, n); reason != nil {
			f.Close()
			log.Printf("nfc %s %s: refused a disk of %d bytes: %v", r.Method, r.URL.Path, n, reason)
			http.Error(w, "The disk is not a streamOptimized VMDK: "+reason.Error(), http.StatusBadRequest)
			return
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), file.host)
	}
	if err != nil {
		log.Printf("nfc %s %s: %v", r.Method, r.URL.Path, err)
		http.Error(w, "cannot write the file", http.StatusInternalServerError)
		return
	}
	log.Printf("nfc %s %s: stored %d bytes", r.Method, r.URL.Path, n)
	w.WriteHeader(http.StatusOK)
}

// exportDisk streams the disk as a streamOptimized VMDK, chunked: like ESXi, the size is not known in advance.
func (l *nfcLease) exportDisk(w http.ResponseWriter, r *http.Request, file *nfcFile) {
	f, err := os.Open(file.host)
	var fi os.FileInfo
	if err == nil {
		defer f.Close()
		fi, err = f.Stat()
	}
	if err != nil {
		log.Printf("nfc %s %s: %v", r.Method, r.URL.Path, err)
		http.Error(w, "cannot read the file", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if flusher, ok := w.(http.Flusher); ok {
		flusher.Flush() // headers out now, so the body is chunked whatever its size
	}
	if checkStreamOptimized(f, fi.Size()) == nil {
		_, err = io.Copy(w, io.NewSectionReader(f, 0, fi.Size()))
	} else {
		capacity := file.capacity
		if fi.Size() > capacity {
			capacity = fi.Size()
		}
		err = writeStreamOptimized(w, f, capacity, path.Base(file.host))
	}
	if err != nil {
		log.Printf("nfc %s %s: %v", r.Method, r.URL.Path, err)
	}
}

// nfcDeviceFiles lists the file-backed devices of vm (disks and images) as the stock ImportVApp names them: by the
// base name of the backing file.
func nfcDeviceFiles(vm *simulator.VirtualMachine) map[string]*nfcFile {
	files := map[string]*nfcFile{}
	if vm.Config == nil {
		return files
	}
	for _, d := range vm.Config.Hardware.Device {
		backing, ok := d.GetVirtualDevice().Backing.(types.BaseVirtualDeviceFileBackingInfo)
		if !ok {
			continue
		}
		host, ok := gxDatastoreFile(vm, backing.GetVirtualDeviceFileBackingInfo().FileName)
		if !ok {
			continue
		}
		f := &nfcFile{host: host}
		if disk, ok := d.(*types.VirtualDisk); ok {
			f.disk, f.capacity = true, nfcDiskCapacity(disk)
		}
		files[path.Base(host)] = f
	}
	return files
}

// gxDatastoreFile maps "[datastore] path" to the file on the simulator's host.
func gxDatastoreFile(vm *simulator.VirtualMachine, name string) (string, bool) {
	ds, p, ok := strings.Cut(strings.TrimPrefix(name, "["), "] ")
	if !ok || !strings.HasPrefix(name, "[") {
		return "", false
	}
	store, ok := gxDatastoreByName(vm, ds)
	if !ok {
		return "", false
	}
	return path.Join(store.Info.GetDatastoreInfo().Url, p), true
}

func nfcDiskCapacity(disk *types.VirtualDisk) int64 {
	if disk.CapacityInBytes > 0 {
		return disk.CapacityInBytes
	}
	return disk.CapacityInKB * 1024
}

func nfcInvalidState(l *nfcLease) *soap.Fault {
	return simulator.Fault(fmt.Sprintf("The operation is not allowed in the current state of the lease (%s).", l.State),
		&types.InvalidState{})
}

func (l *nfcLease) HttpNfcLeaseProgress(ctx *simulator.Context, req *types.HttpNfcLeaseProgress) soap.HasFault {
	body := new(methods.HttpNfcLeaseProgressBody)
	switch {
	case l.State != types.HttpNfcLeaseStateReady:
		body.Fault_ = nfcInvalidState(l)
	case req.Percent < 0 || req.Percent > 100:
		body.Fault_ = simulator.Fault("percent must be in the 0-100 range", &types.InvalidArgument{InvalidProperty: "percent"})
	default:
		ctx.Map.Update(l, []types.PropertyChange{{Name: "transferProgress", Val: req.Percent}})
		body.Res = new(types.HttpNfcLeaseProgressResponse)
	}
	return body
}

func (l *nfcLease) HttpNfcLeaseComplete(ctx *simulator.Context, req *types.HttpNfcLeaseComplete) soap.HasFault {
	body := new(methods.HttpNfcLeaseCompleteBody)
	if l.State != types.HttpNfcLeaseStateReady {
		body.Fault_ = nfcInvalidState(l)
		return body
	}
	ctx.Map.Update(l, []types.PropertyChange{
		{Name: "transferProgress", Val: int32(100)},
		{Name: "state", Val: types.HttpNfcLeaseStateDone},
	})
	body.Res = new(types.HttpNfcLeaseCompleteResponse)
	return body
}

func (l *nfcLease) HttpNfcLeaseAbort(ctx *simulator.Context, req *types.HttpNfcLeaseAbort) soap.HasFault {
	body := new(methods.HttpNfcLeaseAbortBody)
	if l.State != types.HttpNfcLeaseStateReady && l.State != types.HttpNfcLeaseStateInitializing {
		body.Fault_ = nfcInvalidState(l)
		return body
	}
	fault := req.Fault
	if fault == nil {
		fault = &types.LocalizedMethodFault{Fault: &types.RequestCanceled{}, LocalizedMessage: "The operation was canceled by the user."}
	}
	ctx.Map.Update(l, []types.PropertyChange{
		{Name: "error", Val: *fault},
		{Name: "state", Val: types.HttpNfcLeaseStateError},
	})
	if !l.export && l.Info != nil {
		// vSphere removes the entity of an aborted import.
		if obj := ctx.Map.Get(l.Info.Entity); obj != nil {
			if res := gxInvoke(ctx, obj, "DestroyTask", &types.Destroy_Task{This: l.Info.Entity}); res != nil && res.Fault() != nil {
				log.Printf("nfc abort: destroying %s: %s", l.Info.Entity, res.Fault().String)
			}
		}
	}
	body.Res = new(types.HttpNfcLeaseAbortResponse)
	return body
}

func (l *nfcLease) HttpNfcLeaseGetManifest(ctx *simulator.Context, req *types.HttpNfcLeaseGetManifest) soap.HasFault {
	body := new(methods.HttpNfcLeaseGetManifestBody)
	if l.State != types.HttpNfcLeaseStateReady {
		body.Fault_ = nfcInvalidState(l)
		return body
	}
	names := make([]string, 0, len(l.files))
	for name := range l.files {
		names = append(names, name)
	}
	sort.Strings(names)
	var entries []types.HttpNfcLeaseManifestEntry
	for _, name := range names {
		file := l.files[name]
		entry := types.HttpNfcLeaseManifestEntry{Key: file.key, Disk: file.disk, Capacity: file.capacity}
		if f, err := os.Open(file.host); err == nil {
			h := sha1.New()
			entry.Size, _ = io.Copy(h, f)
			_ = f.Close()
			entry.Sha1 = hex.EncodeToString(h.Sum(nil))
			entry.PopulatedSize = entry.Size
		}
		entries = append(entries, entry)
	}
	body.Res = &types.HttpNfcLeaseGetManifestResponse{Returnval: entries}
	return body
}
