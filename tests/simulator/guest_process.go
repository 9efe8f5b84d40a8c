package main

// GuestProcessManager on the guest sandboxes of guest_ops.go: StartProgramInGuest runs a real process on the
// simulator's machine, as the simulator's own OS user, so only run the simulator where that is acceptable.
//
// How a program runs: as vSphere documents for Linux guests, the command line "<programPath> <arguments>" is run by
// /bin/bash -c (/bin/sh when there is no bash), so shell syntax and redirections work. The guest's filesystem is the
// VM's sandbox directory: a guest absolute path whose first component exists at the top of the sandbox (/tmp, /root,
// /home and whatever the guest created there) is rewritten to the sandbox in programPath, in arguments and in
// environment values, wherever the path starts a shell word (after a blank, a quote, =, :, <, >, |, ;, &, ( or `).
// Other absolute paths (/bin/sh, /usr/bin/env, /dev/null) are the simulator host's, read-only in spirit: the guest
// has no binaries of its own. The working directory is a guest path (default: the user's home, /root or
// /home/<user>) and must exist in the sandbox. Without spec.envVariables the program gets the user's environment
// (HOME, USER, LOGNAME, SHELL, PATH, LANG, PWD, HOSTNAME); with them it gets exactly those, as vSphere documents.
// Standard input, output and error are /dev/null (redirect to a guest file and download it, as clients do).
//
// Pids are the guest's own (1 for systemd and 600 for vmtoolsd, which every powered-on guest lists; 1000 upwards for
// started programs), not the host's. ListProcessesInGuest lists the running processes and those started by
// StartProgramInGuest that ended less than 5 minutes ago, with endTime and exitCode (128+n when killed by signal n),
// as vSphere documents. TerminateProcessInGuest kills the process group with SIGKILL and waits for it to end;
// unknown or ended pids give GuestProcessNotFound, system processes and (for a non-root user) other users'
// processes GuestPermissionDenied. Powering the VM off or rebooting the guest (guest.guestState "resetting", as
// RebootGuest reports it) kills its processes and empties the table, suspending stops them (SIGSTOP) and resuming
// continues them (SIGCONT); destroying the VM kills them. ReadEnvironmentVariableInGuest
// reads the environment of the guest agent (vmtoolsd runs as root), as vSphere documents for non-interactive
// sessions.

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/vmware/govmomi/simulator"
)

// guestProcessRetention is how long ended processes stay listed.
const guestProcessRetention = 5 * time.Minute

const guestDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// guestProcessManager replaces the simulator's GuestProcessManager.
type guestProcessManager struct {
	mo.GuestProcessManager
	g *guestOps
}

// guestProcess is one entry of a guest's process table.
type guestProcess struct {
	pid      int64
	name     string
	owner    string
	cmdLine  string
	start    time.Time
	end      *time.Time
	exitCode int32
	system   bool          // a process every guest runs; it cannot be terminated
	pgid     int           // host process group of a started program
	done     chan struct{} // closed when a started program has ended
}

func (p *guestProcess) info() types.GuestProcessInfo {
	info := types.GuestProcessInfo{
		Name:      p.name,
		Pid:       p.pid,
		Owner:     p.owner,
		CmdLine:   p.cmdLine,
		StartTime: p.start,
		ExitCode:  p.exitCode,
	}
	if p.end != nil {
		end := *p.end
		info.EndTime = &end
	}
	return info
}

// addSystemProcesses lists the processes every running guest has.
func (vm *guestVM) addSystemProcesses() {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	vm.addSystemProcessesLocked()
}

func (vm *guestVM) addSystemProcessesLocked() {
	for _, p := range []*guestProcess{
		{pid: 1, name: "systemd", cmdLine: "/sbin/init"},
		{pid: 600, name: "vmtoolsd", cmdLine: "/usr/bin/vmtoolsd"},
	} {
		p.owner, p.start, p.system = "root", vm.boot, true
		vm.procs[p.pid] = p
	}
}

// signalAll sends sig to every running program of the guest; SIGKILL also empties the process table (the guest
// stopped, or is gone).
func (vm *guestVM) signalAll(sig syscall.Signal) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	for _, p := range vm.procs {
		if p.pgid > 0 && p.end == nil {
			_ = syscall.Kill(-p.pgid, sig)
		}
	}
	if sig == syscall.SIGKILL {
		vm.procs = map[int64]*guestProcess{}
	}
}

// topLevel returns the names at the top of the sandbox, the guest paths that map into it.
func (vm *guestVM) topLevel() map[string]bool {
	names := map[string]bool{}
	if entries, err := os.ReadDir(vm.root); err == nil {
		for _, e := range entries {
			names[e.Name()] = true
		}
	}
	return names
}

// guestWordStart reports whether a path starting after byte b starts a shell word.
func guestWordStart(b byte) bool {
	return strings.IndexByte(" \t\n'\"=:<>|;&(`", b) >= 0
}

// mapPaths rewrites the guest absolute paths in s that fall in the sandbox (see the top of this file).
func (vm *guestVM) mapPaths(s string, top map[string]bool) string {
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && (i == 0 || guestWordStart(s[i-1])) {
			j := i + 1
			for j < len(s) && strings.IndexByte("/ \t\n'\";|&<>()`$,:=", s[j]) < 0 {
				j++
			}
			if j > i+1 && top[s[i+1:j]] {
				out.WriteString(vm.root)
			}
		}
		out.WriteByte(s[i])
	}
	return out.String()
}

// guestShellQuote quotes s for /bin/sh.
func guestShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// programHost resolves an absolute guest program path: in the sandbox when its first component is there, else on
// the simulator's host.
func (c *guestCall) programHost(program string, top map[string]bool) (string, bool) {
	first := strings.SplitN(strings.TrimPrefix(program, "/"), "/", 2)[0]
	if top[first] {
		return c.hostPath(program), true
	}
	return program, false
}

// userEnv is the environment a program of the calling user starts with.
func (c *guestCall) userEnv(cwd string) map[string]string {
	return map[string]string{
		"HOME":     c.home(),
		"USER":     c.user,
		"LOGNAME":  c.user,
		"SHELL":    "/bin/bash",
		"PATH":     guestDefaultPath,
		"LANG":     "C.UTF-8",
		"PWD":      cwd,
		"HOSTNAME": c.hostName,
	}
}

// agentEnv is the environment of the guest agent, which runs as root.
func (c *guestCall) agentEnv() map[string]string {
	return map[string]string{
		"HOME":     "/root",
		"USER":     "root",
		"LOGNAME":  "root",
		"SHELL":    "/bin/bash",
		"PATH":     guestDefaultPath,
		"LANG":     "C.UTF-8",
		"PWD":      "/",
		"HOSTNAME": c.hostName,
	}
}

func (m *guestProcessManager) StartProgramInGuest(req *types.StartProgramInGuest) soap.HasFault {
	body := new(methods.StartProgramInGuestBody)
	var pid int64
	body.Fault_ = func() *soap.Fault {
		c, f := m.g.prepare(req.Vm, req.Auth)
		if f != nil {
			return f
		}
		if req.Spec == nil {
			return simulator.Fault("spec is required", &types.InvalidArgument{InvalidProperty: "spec"})
		}
		spec := req.Spec.GetGuestProgramSpec()
		program, f := guestPath(spec.ProgramPath, "spec.programPath")
		if f != nil {
			return f
		}
		top := c.vm.topLevel()
		hostProgram, inGuest := c.programHost(program, top)
		fi, err := os.Stat(hostProgram)
		if err != nil {
			return guestNotFound(program)
		}
		if fi.IsDir() {
			return guestNotAFile(program)
		}
		if inGuest {
			if f := c.allow(program, guestRead); f != nil {
				return f
			}
		}

		cwd := spec.WorkingDirectory
		if cwd == "" {
			cwd = c.home()
		}
		if cwd, f = guestPath(cwd, "spec.workingDirectory"); f != nil {
			return f
		}
		if f := c.requireDir(cwd); f != nil {
			return f
		}
		if f := c.allow(cwd, guestRead); f != nil {
			return f
		}

		var env []string
		if len(spec.EnvVariables) != 0 {
			for _, kv := range spec.EnvVariables {
				env = append(env, c.vm.mapPaths(kv, top))
			}
		} else {
			vars := c.userEnv(cwd)
			for _, k := range guestSortedKeys(vars) {
				env = append(env, k+"="+c.vm.mapPaths(vars[k], top))
			}
		}

		shell := "/bin/bash"
		if _, err := os.Stat(shell); err != nil {
			shell = "/bin/sh"
		}
		line := guestShellQuote(hostProgram)
		if spec.Arguments != "" {
			line += " " + c.vm.mapPaths(spec.Arguments, top)
		}
		cmd, err := guestCommand(c.vm.root, c.hostPath(cwd), shell, line)
		if err != nil {
			return simulator.Fault(fmt.Sprintf("cannot start %s: %v", program, err), &types.GuestOperationsFault{})
		}
		cmd.Env = env
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}

		cmdLine := "\"" + spec.ProgramPath + "\""
		if spec.Arguments != "" {
			cmdLine += " " + spec.Arguments
		}
		p := &guestProcess{
			name:    path.Base(program),
			owner:   c.user,
			cmdLine: cmdLine,
			done:    make(chan struct{}),
		}

		c.vm.mu.Lock()
		defer c.vm.mu.Unlock()
		if err := cmd.Start(); err != nil {
			return simulator.Fault(fmt.Sprintf("cannot start %s: %v", program, err), &types.GuestOperationsFault{})
		}
		p.start = time.Now()
		p.pgid = cmd.Process.Pid
		p.pid = c.vm.nextPid
		c.vm.nextPid++
		c.vm.procs[p.pid] = p
		pid = p.pid
		go c.vm.reap(p, cmd)
		return nil
	}()
	if body.Fault_ == nil {
		body.Res = &types.StartProgramInGuestResponse{Returnval: pid}
	}
	return body
}

// reap waits for a started program and records how it ended.
func (vm *guestVM) reap(p *guestProcess, cmd *exec.Cmd) {
	_ = cmd.Wait()
	code := int32(0)
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok {
		switch {
		case ws.Exited():
			code = int32(ws.ExitStatus())
		case ws.Signaled():
			code = 128 + int32(ws.Signal())
		}
	}
	now := time.Now()
	vm.mu.Lock()
	p.end, p.exitCode = &now, code
	vm.mu.Unlock()
	close(p.done)
}

func (m *guestProcessManager) ListProcessesInGuest(req *types.ListProcessesInGuest) soap.HasFault {
	body := new(methods.ListProcessesInGuestBody)
	c, f := m.g.prepare(req.Vm, req.Auth)
	if f != nil {
		body.Fault_ = f
		return body
	}
	want := map[int64]bool{}
	for _, pid := range req.Pids {
		want[pid] = true
	}
	var list []types.GuestProcessInfo
	c.vm.mu.Lock()
	now := time.Now()
	for pid, p := range c.vm.procs {
		if p.end != nil && now.Sub(*p.end) > guestProcessRetention {
			delete(c.vm.procs, pid)
			continue
		}
		if len(want) == 0 || want[pid] {
			list = append(list, p.info())
		}
	}
	c.vm.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].Pid < list[j].Pid })
	body.Res = &types.ListProcessesInGuestResponse{Returnval: list}
	return body
}

func (m *guestProcessManager) TerminateProcessInGuest(req *types.TerminateProcessInGuest) soap.HasFault {
	body := new(methods.TerminateProcessInGuestBody)
	body.Fault_ = func() *soap.Fault {
		c, f := m.g.prepare(req.Vm, req.Auth)
		if f != nil {
			return f
		}
		c.vm.mu.Lock()
		p, ok := c.vm.procs[req.Pid]
		running := ok && p.end == nil
		c.vm.mu.Unlock()
		if !running {
			return simulator.Fault(fmt.Sprintf("The guest process %d was not found.", req.Pid), &types.GuestProcessNotFound{Pid: req.Pid})
		}
		if p.system || (!c.root() && p.owner != c.user) {
			return simulator.Fault(fmt.Sprintf("Insufficient permissions in guest operating system to terminate process %d", req.Pid),
				&types.GuestPermissionDenied{})
		}
		_ = syscall.Kill(-p.pgid, syscall.SIGKILL)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
		}
		return nil
	}()
	if body.Fault_ == nil {
		body.Res = new(types.TerminateProcessInGuestResponse)
	}
	return body
}

func (m *guestProcessManager) ReadEnvironmentVariableInGuest(req *types.ReadEnvironmentVariableInGuest) soap.HasFault {
	body := new(methods.ReadEnvironmentVariableInGuestBody)
	c, f := m.g.prepare(req.Vm, req.Auth)
	if f != nil {
		body.Fault_ = f
		return body
	}
	env := c.agentEnv()
	var out []string
	if len(req.Names) == 0 {
		for _, k := range guestSortedKeys(env) {
			out = append(out, k+"="+env[k])
		}
	} else {
		for _, k := range req.Names {
			if v, ok := env[k]; ok {
				out = append(out, k+"="+v)
			}
		}
	}
	body.Res = &types.ReadEnvironmentVariableInGuestResponse{Returnval: out}
	return body
}
