package main

// Test helpers for the guest-operations, screenshot and OVF/NFC extension tests (guest_ops_test.go,
// vm_screenshot_test.go, ovf_export_test.go). Run with TMPDIR=/dev/shm for speed.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/task"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// gxEnv is a simulator with all extensions installed, served over HTTP, and a logged-in client.
type gxEnv struct {
	t      *testing.T
	ctx    context.Context
	model  *simulator.Model
	server *simulator.Server
	client *govmomi.Client
	finder *find.Finder
}

// gxStart starts the default VPX model with every registered extension, as the simulator binary does.
func gxStart(t *testing.T, useTLS bool) *gxEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	model := simulator.VPX()
	if err := model.Create(); err != nil {
		t.Fatal(err)
	}
	model.Service.RegisterEndpoints = true
	if useTLS {
		model.Service.TLS = new(tls.Config)
	}
	registerExtensions(model)
	server := model.Service.NewServer()
	client, err := govmomi.NewClient(ctx, server.URL, true)
	if err != nil {
		t.Fatal(err)
	}
	env := &gxEnv{t: t, ctx: ctx, model: model, server: server, client: client}
	env.finder = find.NewFinder(client.Client, true)
	dc, err := env.finder.DefaultDatacenter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	env.finder.SetDatacenter(dc)
	t.Cleanup(func() {
		_ = client.Logout(context.Background())
		if fm, ok := simulator.Map.Get(types.ManagedObjectReference{Type: "GuestFileManager", Value: "guestOperationsFileManager"}).(*guestFileManager); ok {
			fm.g.close()
		}
		server.Close()
		closeHostEndpoint(model.Service)
		model.Remove()
		cancel()
	})
	return env
}

// vm finds a VM by name.
func (e *gxEnv) vm(name string) *object.VirtualMachine {
	e.t.Helper()
	vm, err := e.finder.VirtualMachine(e.ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return vm
}

// reconfigure applies extraConfig keys to a VM (SET.* keys are the simulator's test hook).
func (e *gxEnv) reconfigure(vm *object.VirtualMachine, kv ...string) {
	e.t.Helper()
	var opts []types.BaseOptionValue
	for i := 0; i+1 < len(kv); i += 2 {
		opts = append(opts, &types.OptionValue{Key: kv[i], Value: kv[i+1]})
	}
	t, err := vm.Reconfigure(e.ctx, types.VirtualMachineConfigSpec{ExtraConfig: opts})
	if err == nil {
		err = t.Wait(e.ctx)
	}
	if err != nil {
		e.t.Fatal(err)
	}
}

// toolsRunning sets guest.toolsRunningStatus through the simulator's test hook.
func (e *gxEnv) toolsRunning(vm *object.VirtualMachine) {
	e.reconfigure(vm, "SET.guest.toolsRunningStatus", string(types.VirtualMachineToolsRunningStatusGuestToolsRunning))
}

// powerOff powers a VM off.
func (e *gxEnv) powerOff(vm *object.VirtualMachine) {
	e.t.Helper()
	t, err := vm.PowerOff(e.ctx)
	if err == nil {
		err = t.Wait(e.ctx)
	}
	if err != nil {
		e.t.Fatal(err)
	}
}

// hosts is the ESXi hosts' endpoint of the server (host_endpoint.go).
func (e *gxEnv) hosts() *hostEndpoint {
	e.t.Helper()
	he := hostEndpointOf(e.model.Service)
	if he == nil {
		e.t.Fatal("the server has no hosts' endpoint")
	}
	return he
}

// resolve checks that a transfer URL names the hosts' endpoint (https, its host:port), as vCenter's URLs name the
// ESXi host, and returns it.
func (e *gxEnv) resolve(raw string) string {
	e.t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		e.t.Fatal(err)
	}
	if u.Scheme != "https" || u.Host != e.hosts().host || u.Host == e.server.URL.Host {
		e.t.Fatalf("transfer URL %s: not on the hosts' endpoint %s", raw, e.hosts().baseURL())
	}
	return u.String()
}

// httpClient accepts the simulator's self-signed certificate.
var gxHTTP = &http.Client{
	Timeout:   30 * time.Second,
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
}

// do sends an HTTP request and returns the status and body.
func (e *gxEnv) do(method, rawURL string, body io.Reader) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := gxHTTP.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return res.StatusCode, data
}

// gxFault extracts the vSphere fault of a SOAP or task error.
func gxFault(err error) types.BaseMethodFault {
	if err == nil {
		return nil
	}
	var te task.Error
	if errors.As(err, &te) {
		return te.Fault()
	}
	if soap.IsSoapFault(err) {
		// The decoded detail is a value; return it as a pointer, like task faults.
		v := reflect.ValueOf(soap.ToSoapFault(err).VimFault())
		if v.IsValid() && v.Kind() != reflect.Ptr {
			p := reflect.New(v.Type())
			p.Elem().Set(v)
			v = p
		}
		if f, ok := v.Interface().(types.BaseMethodFault); ok {
			return f
		}
	}
	if soap.IsVimFault(err) {
		return soap.ToVimFault(err)
	}
	return nil
}

// gxExpectFault fails unless err carries a fault of the same type as want.
func gxExpectFault(t *testing.T, what string, err error, want types.BaseMethodFault) types.BaseMethodFault {
	t.Helper()
	got := gxFault(err)
	if got == nil {
		t.Fatalf("%s: want %T, got error %v", what, want, err)
	}
	if gotName, wantName := fmt.Sprintf("%T", got), fmt.Sprintf("%T", want); gotName != wantName {
		t.Fatalf("%s: want %s, got %s (%v)", what, wantName, gotName, err)
	}
	return got
}
