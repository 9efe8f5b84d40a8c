package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi/guest"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// gxGuest is a powered-on VM with guest tools running, and the guest managers.
type gxGuest struct {
	*gxEnv
	vm   *object.VirtualMachine
	fm   *guest.FileManager
	pm   *guest.ProcessManager
	auth types.BaseGuestAuthentication
}

func gxGuestVM(t *testing.T, env *gxEnv, name string) *gxGuest {
	t.Helper()
	vm := env.vm(name)
	env.toolsRunning(vm)
	om := guest.NewOperationsManager(env.client.Client, vm.Reference())
	fm, err := om.FileManager(env.ctx)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := om.ProcessManager(env.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &gxGuest{gxEnv: env, vm: vm, fm: fm, pm: pm,
		auth: &types.NamePasswordAuthentication{Username: "root", Password: "vmware"}}
}

// run starts a shell command and waits for it, returning its exit code.
func (g *gxGuest) run(command string) int32 {
	g.t.Helper()
	pid, err := g.pm.StartProgram(g.ctx, g.auth, &types.GuestProgramSpec{ProgramPath: "/bin/sh", Arguments: "-c " + shellWord(command)})
	if err != nil {
		g.t.Fatalf("StartProgram %q: %v", command, err)
	}
	return g.wait(pid).ExitCode
}

// wait polls ListProcessesInGuest until the process has ended.
func (g *gxGuest) wait(pid int64) types.GuestProcessInfo {
	g.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		procs, err := g.pm.ListProcesses(g.ctx, g.auth, []int64{pid})
		if err != nil {
			g.t.Fatal(err)
		}
		if len(procs) != 1 {
			g.t.Fatalf("ListProcesses(%d) = %d entries", pid, len(procs))
		}
		if procs[0].EndTime != nil {
			return procs[0]
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("process %d did not end", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// download reads a guest file through InitiateFileTransferFromGuest and HTTP GET.
func (g *gxGuest) download(path string) []byte {
	g.t.Helper()
	info, err := g.fm.InitiateFileTransferFromGuest(g.ctx, g.auth, path)
	if err != nil {
		g.t.Fatalf("InitiateFileTransferFromGuest(%s): %v", path, err)
	}
	status, data := g.do(http.MethodGet, g.resolve(info.Url), nil)
	if status != http.StatusOK {
		g.t.Fatalf("GET %s: %d %s", path, status, data)
	}
	if int64(len(data)) != info.Size {
		g.t.Fatalf("GET %s: %d bytes, FileTransferInformation.size %d", path, len(data), info.Size)
	}
	return data
}

// upload writes a guest file through InitiateFileTransferToGuest and HTTP PUT.
func (g *gxGuest) upload(path string, data []byte, overwrite bool) {
	g.t.Helper()
	u, err := g.fm.InitiateFileTransferToGuest(g.ctx, g.auth, path, &types.GuestPosixFileAttributes{}, int64(len(data)), overwrite)
	if err != nil {
		g.t.Fatalf("InitiateFileTransferToGuest(%s): %v", path, err)
	}
	if status, body := g.do(http.MethodPut, g.resolve(u), bytes.NewReader(data)); status != http.StatusOK {
		g.t.Fatalf("PUT %s: %d %s", path, status, body)
	}
}

func (g *gxGuest) names(dir string) []string {
	g.t.Helper()
	res, err := g.fm.ListFiles(g.ctx, g.auth, dir, 0, 0, "")
	if err != nil {
		g.t.Fatal(err)
	}
	var names []string
	for _, f := range res.Files {
		names = append(names, f.Path)
	}
	return names
}

func shellWord(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func TestGuestOpsChecksStateAndLogin(t *testing.T) {
	env := gxStart(t, false)
	vm := env.vm("DC0_H0_VM0")
	om := guest.NewOperationsManager(env.client.Client, vm.Reference())
	fm, err := om.FileManager(env.ctx)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := om.ProcessManager(env.ctx)
	if err != nil {
		t.Fatal(err)
	}
	good := &types.NamePasswordAuthentication{Username: "root", Password: "vmware"}

	_, err = pm.ListProcesses(env.ctx, good, nil)
	gxExpectFault(t, "tools not running", err, &types.GuestOperationsUnavailable{})
	_, err = fm.InitiateFileTransferFromGuest(env.ctx, good, "/tmp")
	gxExpectFault(t, "tools not running (file)", err, &types.GuestOperationsUnavailable{})

	env.toolsRunning(vm)
	_, err = pm.ListProcesses(env.ctx, &types.NamePasswordAuthentication{Username: "root", Password: "wrong"}, nil)
	gxExpectFault(t, "wrong password", err, &types.InvalidGuestLogin{})
	err = fm.MakeDirectory(env.ctx, &types.NamePasswordAuthentication{Username: "admin", Password: "vmware"}, "/tmp/x", false)
	gxExpectFault(t, "wrong user", err, &types.InvalidGuestLogin{})

	procs, err := pm.ListProcesses(env.ctx, good, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(procs) == 0 || procs[0].Pid != 1 {
		t.Fatalf("a running guest lists its init process: %+v", procs)
	}

	// Credentials can be set per VM in extraConfig.
	env.reconfigure(vm, guestUserKey, "root", guestPasswordKey, "s3cret")
	_, err = pm.ListProcesses(env.ctx, good, nil)
	gxExpectFault(t, "per-VM password", err, &types.InvalidGuestLogin{})
	if _, err = pm.ListProcesses(env.ctx, &types.NamePasswordAuthentication{Username: "root", Password: "s3cret"}, nil); err != nil {
		t.Fatal(err)
	}

	env.powerOff(vm)
	_, err = pm.ListProcesses(env.ctx, good, nil)
	f := gxExpectFault(t, "powered off", err, &types.InvalidPowerState{})
	if s := f.(*types.InvalidPowerState); s.ExistingState != types.VirtualMachinePowerStatePoweredOff {
		t.Fatalf("InvalidPowerState.existingState = %s", s.ExistingState)
	}
}

func TestGuestRunCommandAndReadItsOutput(t *testing.T) {
	g := gxGuestVM(t, gxStart(t, false), "DC0_H0_VM0")

	code := g.run(`echo "hello from the guest" > /tmp/out.txt; printf '%s\n' "$USER" "$(pwd)" >> /tmp/out.txt; exit 3`)
	if code != 3 {
		t.Fatalf("exit code %d, want 3", code)
	}
	data := string(g.download("/tmp/out.txt"))
	lines := strings.Split(strings.TrimSpace(data), "\n")
	if len(lines) != 3 || lines[0] != "hello from the guest" || lines[1] != "root" || !strings.HasSuffix(lines[2], "/root") {
		t.Fatalf("output %q", data)
	}

	// The file is really in the VM's sandbox, and the process list reports the run.
	g.guestOps().mu.Lock()
	sandbox := g.guestOps().vms[g.vm.Reference()].root
	g.guestOps().mu.Unlock()
	if b, err := os.ReadFile(filepath.Join(sandbox, "tmp", "out.txt")); err != nil || string(b) != data {
		t.Fatalf("sandbox file: %q, %v", b, err)
	}
	procs, err := g.pm.ListProcesses(g.ctx, g.auth, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := procs[len(procs)-1]
	if last.Pid < 1000 || last.Name != "sh" || last.Owner != "root" || !strings.HasPrefix(last.CmdLine, `"/bin/sh" -c `) ||
		last.ExitCode != 3 || last.EndTime == nil || last.EndTime.Before(last.StartTime) {
		t.Fatalf("process info %+v", last)
	}

	// A script uploaded into the guest runs from there, in the given working directory, with the given environment.
	g.upload("/tmp/script.sh", []byte("#!/bin/sh\necho \"$GREETING $(basename \"$PWD\")\" > result.txt\nexit 0\n"), false)
	if err := g.fm.MakeDirectory(g.ctx, g.auth, "/tmp/work", false); err != nil {
		t.Fatal(err)
	}
	pid, err := g.pm.StartProgram(g.ctx, g.auth, &types.GuestProgramSpec{
		ProgramPath:      "/bin/sh",
		Arguments:        "/tmp/script.sh",
		WorkingDirectory: "/tmp/work",
		EnvVariables:     []string{"GREETING=hi", "PATH=/usr/bin:/bin"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := g.wait(pid); p.ExitCode != 0 {
		t.Fatalf("script exit code %d", p.ExitCode)
	}
	if got := string(g.download("/tmp/work/result.txt")); got != "hi work\n" {
		t.Fatalf("script output %q", got)
	}
}

func TestGuestBinaryFileRoundTrip(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", useTLS), func(t *testing.T) {
			g := gxGuestVM(t, gxStart(t, useTLS), "DC0_C0_RP0_VM1")
			data := make([]byte, 300*1024)
			rand.New(rand.NewSource(1)).Read(data)
			for i := 0; i < 256; i++ {
				data[i] = byte(i)
			}

			u, err := g.fm.InitiateFileTransferToGuest(g.ctx, g.auth, "/root/blob.bin", &types.GuestPosixFileAttributes{Permissions: 0o600}, int64(len(data)), false)
			if err != nil {
				t.Fatal(err)
			}
			// On the hosts' endpoint (always https), whatever vCenter's scheme.
			if !strings.HasPrefix(u, g.hosts().baseURL()+"/guestFile?") || !strings.Contains(u, "id=") || !strings.Contains(u, "token=") {
				t.Fatalf("upload URL %s", u)
			}
			// govmomi's own URL rewriting works with the URL as given.
			turl, err := g.fm.TransferURL(g.ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if status, body := g.do(http.MethodPut, turl.String(), bytes.NewReader(data)); status != http.StatusOK {
				t.Fatalf("PUT: %d %s", status, body)
			}
			// The URL is invalid after a successful PUT.
			if status, _ := g.do(http.MethodPut, turl.String(), bytes.NewReader(data)); status != http.StatusForbidden {
				t.Fatalf("second PUT: %d", status)
			}
			if got := g.download("/root/blob.bin"); !bytes.Equal(got, data) {
				t.Fatalf("round trip differs: %d bytes back, %d sent", len(got), len(data))
			}
			info, err := g.fm.InitiateFileTransferFromGuest(g.ctx, g.auth, "/root/blob.bin")
			if err != nil {
				t.Fatal(err)
			}
			if attrs := info.Attributes.(*types.GuestPosixFileAttributes); attrs.Permissions != 0o600 || info.Size != int64(len(data)) {
				t.Fatalf("attributes %+v size %d", attrs, info.Size)
			}

			_, err = g.fm.InitiateFileTransferToGuest(g.ctx, g.auth, "/root/blob.bin", &types.GuestPosixFileAttributes{}, 3, false)
			gxExpectFault(t, "existing file without overwrite", err, &types.FileAlreadyExists{})
			g.upload("/root/blob.bin", []byte("new"), true)
			if got := string(g.download("/root/blob.bin")); got != "new" {
				t.Fatalf("overwritten content %q", got)
			}

			// The body must be exactly fileSize bytes.
			u, err = g.fm.InitiateFileTransferToGuest(g.ctx, g.auth, "/tmp/short", &types.GuestPosixFileAttributes{}, 10, false)
			if err != nil {
				t.Fatal(err)
			}
			if status, _ := g.do(http.MethodPut, g.resolve(u), strings.NewReader("12345")); status != http.StatusBadRequest {
				t.Fatalf("short PUT: %d", status)
			}
			_, err = g.fm.InitiateFileTransferFromGuest(g.ctx, g.auth, "/tmp/short")
			gxExpectFault(t, "short upload left no file", err, &types.FileNotFound{})
			_, err = g.fm.InitiateFileTransferToGuest(g.ctx, g.auth, "/nonexistent/dir/file", &types.GuestPosixFileAttributes{}, 1, false)
			gxExpectFault(t, "missing parent", err, &types.FileNotFound{})
			_, err = g.fm.InitiateFileTransferFromGuest(g.ctx, g.auth, "/tmp")
			gxExpectFault(t, "download a directory", err, &types.NotAFile{})
			if status, _ := g.do(http.MethodGet, g.resolve(g.hosts().baseURL()+"/guestFile?id=1&token=forged"), nil); status != http.StatusForbidden {
				t.Fatalf("forged token: %d", status)
			}
		})
	}
}

func TestGuestFileManagement(t *testing.T) {
	g := gxGuestVM(t, gxStart(t, false), "DC0_H0_VM1")

	if err := g.fm.MakeDirectory(g.ctx, g.auth, "/data/a/b", false); err == nil {
		t.Fatal("MakeDirectory without parents succeeded")
	} else {
		gxExpectFault(t, "missing parents", err, &types.FileNotFound{})
	}
	if err := g.fm.MakeDirectory(g.ctx, g.auth, "/data/a/b", true); err != nil {
		t.Fatal(err)
	}
	gxExpectFault(t, "existing directory", g.fm.MakeDirectory(g.ctx, g.auth, "/data/a", false), &types.FileAlreadyExists{})
	if got := g.names("/"); strings.Join(got, ",") != "data,home,root,tmp" {
		t.Fatalf("ls / = %v", got)
	}

	for i := 0; i < 7; i++ {
		g.upload(fmt.Sprintf("/data/file%d.log", i), []byte(strings.Repeat("x", i)), false)
	}
	g.upload("/data/notes.txt", []byte("notes"), false)
	res, err := g.fm.ListFiles(g.ctx, g.auth, "/data", 2, 3, `\.log$`)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 3 || res.Files[0].Path != "file2.log" || res.Remaining != 2 || res.Files[0].Size != 2 ||
		res.Files[0].Type != string(types.GuestFileTypeFile) {
		t.Fatalf("ListFiles page: %+v remaining %d", res.Files, res.Remaining)
	}
	res, err = g.fm.ListFiles(g.ctx, g.auth, "/data/notes.txt", 0, 0, "")
	if err != nil || len(res.Files) != 1 || res.Files[0].Path != "notes.txt" || res.Files[0].Size != 5 {
		t.Fatalf("ListFiles of a file: %+v, %v", res, err)
	}
	_, err = g.fm.ListFiles(g.ctx, g.auth, "/data", 0, 0, "*.log")
	gxExpectFault(t, "invalid regexp", err, &types.InvalidArgument{})
	_, err = g.fm.ListFiles(g.ctx, g.auth, "/nope", 0, 0, "")
	gxExpectFault(t, "missing directory", err, &types.FileNotFound{})

	if err := g.fm.MoveFile(g.ctx, g.auth, "/data/notes.txt", "/data/a/notes.md", false); err != nil {
		t.Fatal(err)
	}
	gxExpectFault(t, "move onto existing", g.fm.MoveFile(g.ctx, g.auth, "/data/file1.log", "/data/file2.log", false), &types.FileAlreadyExists{})
	if err := g.fm.MoveFile(g.ctx, g.auth, "/data/file1.log", "/data/file2.log", true); err != nil {
		t.Fatal(err)
	}
	gxExpectFault(t, "move a directory as a file", g.fm.MoveFile(g.ctx, g.auth, "/data/a", "/data/z", false), &types.NotAFile{})
	if err := g.fm.MoveDirectory(g.ctx, g.auth, "/data/a", "/data/c"); err != nil {
		t.Fatal(err)
	}
	if got := g.names("/data/c"); strings.Join(got, ",") != "b,notes.md" {
		t.Fatalf("moved directory holds %v", got)
	}
	gxExpectFault(t, "move into itself", g.fm.MoveDirectory(g.ctx, g.auth, "/data/c", "/data/c/b/x"), &types.InvalidArgument{})

	gxExpectFault(t, "delete a directory as a file", g.fm.DeleteFile(g.ctx, g.auth, "/data/c"), &types.NotAFile{})
	gxExpectFault(t, "delete a missing file", g.fm.DeleteFile(g.ctx, g.auth, "/data/none"), &types.FileNotFound{})
	if err := g.fm.DeleteFile(g.ctx, g.auth, "/data/c/notes.md"); err != nil {
		t.Fatal(err)
	}
	gxExpectFault(t, "non-empty directory", g.fm.DeleteDirectory(g.ctx, g.auth, "/data", false), &types.DirectoryNotEmpty{})
	gxExpectFault(t, "delete a file as a directory", g.fm.DeleteDirectory(g.ctx, g.auth, "/data/file2.log", false), &types.NotADirectory{})
	gxExpectFault(t, "delete /", g.fm.DeleteDirectory(g.ctx, g.auth, "/", true), &types.GuestPermissionDenied{})
	if err := g.fm.DeleteDirectory(g.ctx, g.auth, "/data", true); err != nil {
		t.Fatal(err)
	}

	tmpFile, err := g.fm.CreateTemporaryFile(g.ctx, g.auth, "pre-", ".suf", "")
	if err != nil || !strings.HasPrefix(tmpFile, "/tmp/pre-") || !strings.HasSuffix(tmpFile, ".suf") {
		t.Fatalf("CreateTemporaryFile = %q, %v", tmpFile, err)
	}
	tmpDir, err := g.fm.CreateTemporaryDirectory(g.ctx, g.auth, "d-", "", "/root")
	if err != nil || !strings.HasPrefix(tmpDir, "/root/d-") {
		t.Fatalf("CreateTemporaryDirectory = %q, %v", tmpDir, err)
	}
	res, err = g.fm.ListFiles(g.ctx, g.auth, tmpDir, 0, 0, "")
	if err != nil || len(res.Files) != 0 {
		t.Fatalf("new temporary directory: %+v, %v", res, err)
	}
	_, err = g.fm.CreateTemporaryFile(g.ctx, g.auth, "x", "", "/missing")
	gxExpectFault(t, "temporary file in a missing directory", err, &types.FileNotFound{})
	gxExpectFault(t, "relative path", g.fm.DeleteFile(g.ctx, g.auth, "tmp/x"), &types.InvalidArgument{})
}

func TestGuestProcesses(t *testing.T) {
	g := gxGuestVM(t, gxStart(t, false), "DC0_H0_VM0")

	pid, err := g.pm.StartProgram(g.ctx, g.auth, &types.GuestProgramSpec{ProgramPath: "/bin/sleep", Arguments: "30"})
	if err != nil {
		t.Fatal(err)
	}
	procs, err := g.pm.ListProcesses(g.ctx, g.auth, []int64{pid, 424242})
	if err != nil || len(procs) != 1 || procs[0].EndTime != nil || procs[0].Name != "sleep" || procs[0].CmdLine != `"/bin/sleep" 30` {
		t.Fatalf("running process: %+v, %v", procs, err)
	}
	start := time.Now()
	if err := g.pm.TerminateProcess(g.ctx, g.auth, pid); err != nil {
		t.Fatal(err)
	}
	if p := g.wait(pid); p.ExitCode != 128+9 || time.Since(start) > 10*time.Second {
		t.Fatalf("terminated process: %+v", p)
	}
	gxExpectFault(t, "terminate an ended process", g.pm.TerminateProcess(g.ctx, g.auth, pid), &types.GuestProcessNotFound{})
	gxExpectFault(t, "terminate an unknown process", g.pm.TerminateProcess(g.ctx, g.auth, 99999), &types.GuestProcessNotFound{})
	gxExpectFault(t, "terminate init", g.pm.TerminateProcess(g.ctx, g.auth, 1), &types.GuestPermissionDenied{})

	_, err = g.pm.StartProgram(g.ctx, g.auth, &types.GuestProgramSpec{ProgramPath: "/tmp/missing.sh"})
	gxExpectFault(t, "missing program", err, &types.FileNotFound{})
	_, err = g.pm.StartProgram(g.ctx, g.auth, &types.GuestProgramSpec{ProgramPath: "/bin/true", WorkingDirectory: "/nowhere"})
	gxExpectFault(t, "missing working directory", err, &types.FileNotFound{})
	_, err = g.pm.StartProgram(g.ctx, g.auth, &types.GuestProgramSpec{ProgramPath: "sh"})
	gxExpectFault(t, "relative program path", err, &types.InvalidArgument{})

	env, err := g.pm.ReadEnvironmentVariable(g.ctx, g.auth, []string{"HOME", "NOPE", "USER"})
	if err != nil || strings.Join(env, ";") != "HOME=/root;USER=root" {
		t.Fatalf("ReadEnvironmentVariable = %v, %v", env, err)
	}
	all, err := g.pm.ReadEnvironmentVariable(g.ctx, g.auth, nil)
	if err != nil || !sort.StringsAreSorted(all) || len(all) < 5 {
		t.Fatalf("all variables: %v, %v", all, err)
	}
	found := false
	for _, kv := range all {
		found = found || kv == "HOSTNAME=DC0_H0_VM0"
	}
	if !found {
		t.Fatalf("HOSTNAME missing from %v", all)
	}

	// Powering off kills the guest's processes; the next boot starts with an empty table.
	pid, err = g.pm.StartProgram(g.ctx, g.auth, &types.GuestProgramSpec{ProgramPath: "/bin/sleep", Arguments: "30"})
	if err != nil {
		t.Fatal(err)
	}
	g.guestOps().mu.Lock()
	proc := g.guestOps().vms[g.vm.Reference()].procs[pid]
	g.guestOps().mu.Unlock()
	g.powerOff(g.vm)
	select {
	case <-proc.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the guest process survived power-off")
	}
	task, err := g.vm.PowerOn(g.ctx)
	if err == nil {
		err = task.Wait(g.ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	procs, err = g.pm.ListProcesses(g.ctx, g.auth, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		if p.Pid == pid {
			t.Fatalf("process %d listed after a power cycle", pid)
		}
	}

	// A guest reboot (guest.guestState "resetting", as RebootGuest reports it) kills them too.
	pid, err = g.pm.StartProgram(g.ctx, g.auth, &types.GuestProgramSpec{ProgramPath: "/bin/sleep", Arguments: "30"})
	if err != nil {
		t.Fatal(err)
	}
	g.guestOps().mu.Lock()
	proc = g.guestOps().vms[g.vm.Reference()].procs[pid]
	g.guestOps().mu.Unlock()
	g.reconfigure(g.vm, "SET.guest.guestState", string(types.VirtualMachineGuestStateResetting))
	select {
	case <-proc.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the guest process survived a guest reboot")
	}
}

func TestGuestPermissionsOfAnOrdinaryUser(t *testing.T) {
	g := gxGuestVM(t, gxStart(t, false), "DC0_H0_VM0")
	g.reconfigure(g.vm, guestUserKey, "alice", guestPasswordKey, "wonderland")
	g.auth = &types.NamePasswordAuthentication{Username: "alice", Password: "wonderland"}

	gxExpectFault(t, "mkdir at /", g.fm.MakeDirectory(g.ctx, g.auth, "/data", false), &types.GuestPermissionDenied{})
	_, err := g.fm.ListFiles(g.ctx, g.auth, "/root", 0, 0, "")
	gxExpectFault(t, "list /root", err, &types.GuestPermissionDenied{})

	g.upload("/home/alice/notes.txt", []byte("mine"), false)
	if err := g.fm.ChangeFileAttributes(g.ctx, g.auth, "/home/alice/notes.txt", &types.GuestPosixFileAttributes{Permissions: 0o444}); err != nil {
		t.Fatal(err)
	}
	_, err = g.fm.InitiateFileTransferToGuest(g.ctx, g.auth, "/home/alice/notes.txt", &types.GuestPosixFileAttributes{}, 1, true)
	gxExpectFault(t, "overwrite a read-only file", err, &types.GuestPermissionDenied{})
	owner := int32(0)
	gxExpectFault(t, "chown", g.fm.ChangeFileAttributes(g.ctx, g.auth, "/home/alice/notes.txt", &types.GuestPosixFileAttributes{OwnerId: &owner}),
		&types.GuestPermissionDenied{})

	// The user's programs start in its home, with its environment.
	if code := g.run(`[ "$(basename "$PWD")" = alice ] && [ "$USER" = alice ] && echo ok > out.txt`); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if got := string(g.download("/home/alice/out.txt")); got != "ok\n" {
		t.Fatalf("output %q", got)
	}
	procs, err := g.pm.ListProcesses(g.ctx, g.auth, nil)
	if err != nil || procs[len(procs)-1].Owner != "alice" {
		t.Fatalf("owner: %+v, %v", procs, err)
	}
}

// guestOps returns the extension's state for the model.
func (e *gxEnv) guestOps() *guestOps {
	fm := simulator.Map.Get(types.ManagedObjectReference{Type: "GuestFileManager", Value: "guestOperationsFileManager"})
	return fm.(*guestFileManager).g
}

func TestGuestProgramsRunInASandbox(t *testing.T) {
	g := gxGuestVM(t, gxStart(t, false), "DC0_H0_VM0")
	outside := filepath.Join(t.TempDir(), "escaped.txt")
	checkout, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}

	// Writing outside the VM's guest root fails, whatever path is used; reading the checkout fails; the guest's own /tmp works.
	if code := g.run("echo x > " + shellWord(outside)); code == 0 {
		t.Fatalf("a guest command wrote %s outside its sandbox", outside)
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatalf("%s exists", outside)
	}
	if code := g.run("ls " + shellWord(filepath.Join(checkout, "guest_sandbox.go"))); code == 0 {
		t.Fatalf("a guest command sees the checkout %s", checkout)
	}
	if code := g.run("id -u > /tmp/uid.txt"); code != 0 {
		t.Fatalf("writing the guest's /tmp: exit %d", code)
	}
	if uid := strings.TrimSpace(string(g.download("/tmp/uid.txt"))); uid != "65534" {
		t.Fatalf("guest programs run as uid %s, want 65534 (nobody)", uid)
	}
}
