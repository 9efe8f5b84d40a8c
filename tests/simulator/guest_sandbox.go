package main

// Guest programs (StartProgramInGuest) run on the test machine, so they run in a sandbox made by Debian's
// bubblewrap: new user, mount, PID, network, IPC and UTS namespaces, as an unprivileged user (nobody, 65534), with
// /usr and /etc read-only, a private /tmp, /proc and /dev, and only the VM's guest root writable (bound at its own
// path, so the guest-to-host path mapping is unchanged). A command cannot write outside its VM's guest root, see
// the checkout or other VMs, or reach the network. -guest-sandbox=false runs them directly (for machines without
// user namespaces; not used by the tests).

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
)

var guestSandbox = flag.Bool("guest-sandbox", true, "run guest programs in a bubblewrap sandbox (only the VM's guest root writable, no network)")

// guestCommand is the command that runs shell -c line for a VM whose guest "/" is root, in dir (a host path under root).
func guestCommand(root, dir, shell, line string) (*exec.Cmd, error) {
	if !*guestSandbox {
		cmd := exec.Command(shell, "-c", line)
		cmd.Dir = dir
		return cmd, nil
	}
	bwrap, err := exec.LookPath("bwrap")
	if err != nil {
		return nil, fmt.Errorf("guest programs run in a bubblewrap sandbox and bwrap is not installed (apt-get install bubblewrap): %v", err)
	}
	args := []string{
		"--unshare-all", "--die-with-parent", "--uid", "65534", "--gid", "65534",
		"--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc",
	}
	// Merged-/usr systems link /bin, /sbin and /lib* into /usr; others have real directories.
	for _, dir := range []string{"/bin", "/sbin", "/lib", "/lib32", "/lib64"} {
		if target, err := os.Readlink(dir); err == nil {
			args = append(args, "--symlink", target, dir)
		} else if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			args = append(args, "--ro-bind", dir, dir)
		}
	}
	args = append(args, "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
		"--bind", root, root, "--chdir", dir, "--", shell, "-c", line)
	cmd := exec.Command(bwrap, args...)
	cmd.Dir = dir
	return cmd, nil
}
