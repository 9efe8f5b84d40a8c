// Command mcvsphere-vcsim starts govmomi's vCenter simulator (vcsim) for McVSphere's tests, benchmarks and
// the host's --simulator demo mode. It prints the SDK URL (with credentials) on the first stdout line and
// serves until it receives SIGINT/SIGTERM or its standard input is closed.
//
// Methods the stock simulator lacks are added in this package, in files named after the managed object
// they extend, faithful to the vSphere API reference.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator"
)

func main() {
	model := simulator.VPX()

	flag.IntVar(&model.Datacenter, "dc", model.Datacenter, "number of datacenters")
	flag.IntVar(&model.Cluster, "cluster", model.Cluster, "clusters per datacenter")
	flag.IntVar(&model.ClusterHost, "host-per-cluster", model.ClusterHost, "hosts per cluster")
	flag.IntVar(&model.Host, "standalone-host", model.Host, "standalone hosts per datacenter")
	flag.IntVar(&model.Machine, "vm", model.Machine, "VMs per standalone host and per cluster root pool")
	flag.IntVar(&model.Datastore, "ds", model.Datastore, "datastores per datacenter")
	flag.IntVar(&model.Portgroup, "pg", model.Portgroup, "distributed port groups per datacenter")
	flag.IntVar(&model.Folder, "folder", model.Folder, "extra folders per datacenter")
	flag.IntVar(&model.Pool, "pool", model.Pool, "extra resource pools per cluster")
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	useTLS := flag.Bool("tls", false, "serve https with the simulator's self-signed certificate")
	username := flag.String("username", "user", "login user name")
	password := flag.String("password", "pass", "login password")
	idle := flag.Duration("session-idle", 30*time.Minute, "expire sessions idle for this long, as vCenter does after 30 minutes (0: never)")
	esxMode := flag.Bool("esx", false, "be one ESXi host (govmomi's ESX model: apiType HostAgent, ha-datacenter, ha-host; no vAPI) instead of a vCenter")
	flag.Parse()

	if *esxMode {
		model = esxModel(model)
	}

	// The stock model writes five files per VM; the caller should point TMPDIR at a tmpfs for speed.
	if err := model.Create(); err != nil {
		log.Fatalf("creating the inventory: %v", err)
	}
	defer model.Remove()

	model.Service.RegisterEndpoints = true
	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*username, *password)}
	if *useTLS {
		model.Service.TLS = new(tls.Config)
	}
	simulator.SessionIdleTimeout = *idle
	registerExtensions(model)

	server := model.Service.NewServer()
	defer server.Close()
	defer closeHostEndpoint(model.Service)

	fmt.Println(server.URL.String())
	if *useTLS {
		fmt.Fprintf(os.Stderr, "certificate SHA-256: %s\n", certificateSHA256(server))
	}
	if he := hostEndpointOf(model.Service); he != nil {
		fmt.Fprintf(os.Stderr, "host endpoint %s certificate SHA-1 %s\n", he.baseURL(), he.cert.sha1)
	}

	waitForShutdown()
}

// esxModel is govmomi's ESX model with the counts of the parsed model that an ESXi host has (VMs, datastores); the
// vCenter-only counts (datacenters, clusters, standalone hosts, port groups, folders, pools) do not apply.
func esxModel(parsed *simulator.Model) *simulator.Model {
	model := simulator.ESX()
	model.Machine = parsed.Machine
	model.Datastore = parsed.Datastore
	vcenterOnly := map[string]bool{
		"dc": true, "cluster": true, "host-per-cluster": true, "standalone-host": true, "pg": true, "folder": true,
		"pool": true, "nodrs-cluster": true, "nodrs-cluster-host": true, "opaque-network": true, "vapi-api": true,
	}
	flag.Visit(func(f *flag.Flag) {
		if vcenterOnly[f.Name] {
			fmt.Fprintf(os.Stderr, "-%s does not apply to an ESXi host (-esx): ignored\n", f.Name)
		}
	})
	return model
}

// waitForShutdown returns on SIGINT, SIGTERM or when stdin reaches end of file, so that a parent that dies
// without signalling does not leave the simulator running. Without a stdin pipe (</dev/null) only signals stop it.
func waitForShutdown() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	stdinClosed := make(chan struct{})
	if info, err := os.Stdin.Stat(); err == nil && info.Mode()&os.ModeNamedPipe != 0 {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			close(stdinClosed)
		}()
	}
	select {
	case <-stop:
	case <-stdinClosed:
	}
	// Give in-flight responses a moment to drain.
	time.Sleep(50 * time.Millisecond)
}
