package main

// Tests of the ESXi hosts' endpoint (host_endpoint.go): transfer URLs on the hosts' own TLS listener, its certificate
// published by every HostSystem, the transfer paths gone from vCenter's listener, and the host-thumbprint hook.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// presentedCertificate is the certificate a TLS handshake with addr presents.
func presentedCertificate(t *testing.T, addr string) *x509.Certificate {
	t.Helper()
	conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatalf("TLS handshake with %s: %v", addr, err)
	}
	defer conn.Close()
	certs := conn.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		t.Fatalf("%s presented no certificate", addr)
	}
	return certs[0]
}

// hookJSON calls a /vcsim/ hook on vCenter's listener and decodes its JSON answer.
func (e *gxEnv) hookJSON(method, pathAndQuery, body string) (int, map[string]string) {
	e.t.Helper()
	u := e.server.URL.Scheme + "://" + e.server.URL.Host + pathAndQuery
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := gxHTTP.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	var answer map[string]string
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(data, &answer); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, pathAndQuery, err, data)
		}
	}
	return res.StatusCode, answer
}

// onVCenter is the transfer URL raw with vCenter's scheme and host:port instead of the host's.
func (e *gxEnv) onVCenter(raw string) string {
	e.t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		e.t.Fatal(err)
	}
	u.Scheme, u.Host = e.server.URL.Scheme, e.server.URL.Host
	return u.String()
}

// pinnedClient is a govmomi SOAP client that verifies TLS peers (no insecure flag) and trusts the host endpoint
// only through the given thumbprint, as a client trusts what vCenter publishes.
func (e *gxEnv) pinnedClient(thumbprint string) *soap.Client {
	c := soap.NewClient(e.server.URL, false)
	c.SetThumbprint(e.hosts().host, thumbprint)
	return c
}

func (e *gxEnv) pinnedDownload(c *soap.Client, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	body, _, err := c.Download(e.ctx, u, &soap.DefaultDownload)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return io.ReadAll(body)
}

// allHosts reads properties of every HostSystem through govmomi's property collector.
func (e *gxEnv) allHosts(props ...string) []mo.HostSystem {
	e.t.Helper()
	cv, err := view.NewManager(e.client.Client).CreateContainerView(e.ctx, e.client.ServiceContent.RootFolder, []string{"HostSystem"}, true)
	if err != nil {
		e.t.Fatal(err)
	}
	defer cv.Destroy(context.Background())
	var hosts []mo.HostSystem
	if err := cv.Retrieve(e.ctx, []string{"HostSystem"}, props, &hosts); err != nil {
		e.t.Fatal(err)
	}
	if len(hosts) == 0 {
		e.t.Fatal("no hosts")
	}
	return hosts
}

// xsdBytes is a value that vCenter writes as xsd:byte[] (one element per byte, signed), read as such: in a propSet of
// config.certificate the val is an ArrayOfByte (<byte> elements); in one of config, a HostConfigInfo (<certificate>).
type xsdBytes struct {
	Byte        []int8 `xml:"byte"`
	Certificate []int8 `xml:"certificate"`
}

func int8sToBytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, c := range v {
		b[i] = byte(c)
	}
	return b
}

type rawRetrieveResponse struct {
	Returnval []struct {
		Obj     types.ManagedObjectReference `xml:"obj"`
		PropSet []struct {
			Name string   `xml:"name"`
			Val  xsdBytes `xml:"val"`
		} `xml:"propSet"`
	} `xml:"returnval"`
}

type rawRetrieveBody struct {
	Req    *types.RetrieveProperties `xml:"urn:vim25 RetrieveProperties,omitempty"`
	Res    *rawRetrieveResponse      `xml:"RetrievePropertiesResponse,omitempty"`
	Fault_ *soap.Fault               `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"`
}

func (b *rawRetrieveBody) Fault() *soap.Fault { return b.Fault_ }

// certificateOf reads a host's config.certificate (or, whole, config) through govmomi's client, decoding the
// xsd:byte[] as vCenter writes it.
func (e *gxEnv) certificateOf(host types.ManagedObjectReference, path string) []byte {
	e.t.Helper()
	body := &rawRetrieveBody{Req: &types.RetrieveProperties{
		This: e.client.ServiceContent.PropertyCollector,
		SpecSet: []types.PropertyFilterSpec{{
			ObjectSet: []types.ObjectSpec{{Obj: host}},
			PropSet:   []types.PropertySpec{{Type: "HostSystem", PathSet: []string{path}}},
		}},
	}}
	if err := e.client.Client.RoundTrip(e.ctx, body, body); err != nil {
		e.t.Fatalf("RetrieveProperties %s of %s: %v", path, host, err)
	}
	if body.Res == nil || len(body.Res.Returnval) != 1 || len(body.Res.Returnval[0].PropSet) != 1 {
		e.t.Fatalf("RetrieveProperties %s of %s: %+v", path, host, body.Res)
	}
	val := body.Res.Returnval[0].PropSet[0].Val
	if path == "config" {
		return int8sToBytes(val.Certificate)
	}
	return int8sToBytes(val.Byte)
}

// checkHostsPublish checks that every host publishes the presented certificate and reports thumbprint.
func (e *gxEnv) checkHostsPublish(cert *x509.Certificate, thumbprint string) {
	e.t.Helper()
	for _, host := range e.allHosts("name", "summary.config.sslThumbprint") {
		if host.Summary.Config.SslThumbprint != thumbprint {
			e.t.Fatalf("%s summary.config.sslThumbprint %q, want %q", host.Name, host.Summary.Config.SslThumbprint, thumbprint)
		}
		for _, path := range []string{"config.certificate", "config"} {
			got := e.certificateOf(host.Self, path)
			block, rest := pem.Decode(got)
			if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 || !bytes.Equal(block.Bytes, cert.Raw) {
				e.t.Fatalf("%s %s: not the PEM of the presented certificate: %q", host.Name, path, got)
			}
		}
	}
}

func TestHostEndpointIsAnotherTLSEndpointWithItsOwnCertificate(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", useTLS), func(t *testing.T) {
			env := gxStart(t, useTLS)
			status, endpoint := env.hookJSON(http.MethodGet, hostEndpointPath, "")
			if status != http.StatusOK {
				t.Fatalf("GET %s: %d", hostEndpointPath, status)
			}
			u, err := url.Parse(endpoint["url"])
			if err != nil || u.Scheme != "https" || u.Hostname() != "127.0.0.1" || u.Port() == "" || u.Path != "" ||
				u.Port() == env.server.URL.Port() || u.Host != env.hosts().host {
				t.Fatalf("host endpoint %q (vCenter %s)", endpoint["url"], env.server.URL.Host)
			}

			cert := presentedCertificate(t, u.Host)
			sum := sha256.Sum256(cert.Raw)
			if endpoint["sha1"] != soap.ThumbprintSHA1(cert) || endpoint["sha256"] != vsphereThumbprint(sum[:]) {
				t.Fatalf("hook %v, presented SHA-1 %s", endpoint, soap.ThumbprintSHA1(cert))
			}
			if len(endpoint["sha1"]) != 59 || strings.ToUpper(endpoint["sha1"]) != endpoint["sha1"] {
				t.Fatalf("SHA-1 %q is not 20 uppercase hex pairs separated by ':'", endpoint["sha1"])
			}
			if useTLS && bytes.Equal(cert.Raw, env.server.Certificate().Raw) {
				t.Fatal("the hosts' endpoint presents vCenter's certificate")
			}
			// A client that trusts that certificate (and nothing else) reaches it as 127.0.0.1 and as localhost.
			pool := x509.NewCertPool()
			pool.AddCert(cert)
			for _, name := range []string{"127.0.0.1", "localhost"} {
				if _, err := cert.Verify(x509.VerifyOptions{DNSName: name, Roots: pool}); err != nil {
					t.Fatalf("certificate for %s: %v", name, err)
				}
			}
			trusting := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
			res, err := trusting.Get(env.hosts().baseURL() + "/sdk")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			// Only transfers are served there.
			for _, p := range []string{"/sdk", "/about", "/folder/x?dcPath=DC0&dsName=LocalDS_0", hostEndpointPath, "/"} {
				if status, _ := env.do(http.MethodGet, env.hosts().baseURL()+p, nil); status != http.StatusNotFound {
					t.Fatalf("GET %s on the hosts' endpoint: %d", p, status)
				}
			}
			// Plain http is not served there.
			if res, err := http.Get("http://" + u.Host + "/nfc/x/disk-0.vmdk"); err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					t.Fatal("http answered on the hosts' endpoint")
				}
			}

			// Every host publishes it: summary.config.sslThumbprint, config.certificate (xsd:byte[]).
			env.checkHostsPublish(cert, soap.ThumbprintSHA1(cert))
		})
	}
}

func TestHostEndpointServesNfcLeases(t *testing.T) {
	env := gxStart(t, true)
	cert := presentedCertificate(t, env.hosts().host)
	thumbprint := soap.ThumbprintSHA1(cert)

	// Import: the device URL names the host, with its thumbprint (checked in gxImport); the upload goes there.
	disk := gxVmdk(t, gxDiskData(200<<10, 7))
	lease, vm := env.gxImport(fmt.Sprintf(gxApplianceOVF, len(disk)), "via-host", disk)
	info, err := lease.Wait(env.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	importURL := info.DeviceUrl[0].Url
	if status, _ := env.do(http.MethodPut, env.onVCenter(importURL), bytes.NewReader(disk)); status != http.StatusNotFound {
		t.Fatalf("PUT of the import URL on vCenter's listener: %d", status)
	}
	if err := lease.Complete(env.ctx); err != nil {
		t.Fatal(err)
	}

	// Export: one device URL per disk on the host, its sslThumbprint that of the presented certificate.
	export, err := vm.Export(env.ctx)
	if err != nil {
		t.Fatal(err)
	}
	info, err = export.Wait(env.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.DeviceUrl) != 1 {
		t.Fatalf("export device URLs %+v", info.DeviceUrl)
	}
	dev := info.DeviceUrl[0]
	u, err := url.Parse(dev.Url)
	if err != nil || u.Scheme != "https" || u.Host != env.hosts().host || u.Port() == env.server.URL.Port() ||
		!strings.HasPrefix(u.Path, "/nfc/") || !strings.HasSuffix(u.Path, "/disk-0.vmdk") {
		t.Fatalf("export device URL %s (vCenter %s)", dev.Url, env.server.URL.Host)
	}
	if dev.SslThumbprint != thumbprint {
		t.Fatalf("lease sslThumbprint %q, presented %q", dev.SslThumbprint, thumbprint)
	}
	// A client that trusts the host only by the lease's thumbprint downloads the disk (the stream it uploaded).
	got, err := env.pinnedDownload(env.pinnedClient(dev.SslThumbprint), dev.Url)
	if err != nil || !bytes.Equal(got, disk) {
		t.Fatalf("pinned download: %d bytes (want %d), %v", len(got), len(disk), err)
	}
	// Another thumbprint is refused by that client.
	if _, err := env.pinnedDownload(env.pinnedClient(strings.Repeat("AB:", 19)+"AB"), dev.Url); err == nil {
		t.Fatal("download with a wrong thumbprint succeeded")
	}
	// govmomi's own lease download (it pins the lease's thumbprint too).
	file := path.Join(t.TempDir(), "disk.vmdk")
	updater := export.StartUpdater(env.ctx, info)
	err = export.DownloadFile(env.ctx, file, info.Items[0], soap.DefaultDownload)
	updater.Done()
	if err == nil {
		got, err = os.ReadFile(file)
	}
	if err != nil || !bytes.Equal(got, disk) {
		t.Fatalf("govmomi lease download: %d bytes, %v", len(got), err)
	}
	// vCenter's listener does not serve the path.
	if status, _ := env.do(http.MethodGet, env.onVCenter(dev.Url), nil); status != http.StatusNotFound {
		t.Fatalf("GET of the export URL on vCenter's listener: %d", status)
	}
	if err := export.Complete(env.ctx); err != nil {
		t.Fatal(err)
	}
}

func TestHostEndpointServesGuestFileTransfers(t *testing.T) {
	g := gxGuestVM(t, gxStart(t, false), "DC0_C0_RP0_VM1")
	cert := presentedCertificate(t, g.hosts().host)
	// The client trusts the host by what vCenter publishes for the VM's host.
	var vm mo.VirtualMachine
	if err := property.DefaultCollector(g.client.Client).RetrieveOne(g.ctx, g.vm.Reference(), []string{"runtime.host"}, &vm); err != nil {
		t.Fatal(err)
	}
	var host mo.HostSystem
	if err := property.DefaultCollector(g.client.Client).RetrieveOne(g.ctx, *vm.Runtime.Host, []string{"summary.config.sslThumbprint"}, &host); err != nil {
		t.Fatal(err)
	}
	if host.Summary.Config.SslThumbprint != soap.ThumbprintSHA1(cert) {
		t.Fatalf("host thumbprint %q, presented %q", host.Summary.Config.SslThumbprint, soap.ThumbprintSHA1(cert))
	}
	pinned := g.pinnedClient(host.Summary.Config.SslThumbprint)

	data := gxRandom(64<<10, 11)
	up, err := g.fm.InitiateFileTransferToGuest(g.ctx, g.auth, "/tmp/via-host.bin", &types.GuestPosixFileAttributes{}, int64(len(data)), false)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(up)
	if err != nil || u.Scheme != "https" || u.Host != g.hosts().host || u.Port() == g.server.URL.Port() || u.Path != "/guestFile" ||
		u.Query().Get("id") == "" || u.Query().Get("token") == "" {
		t.Fatalf("upload URL %s (vCenter %s)", up, g.server.URL.Host)
	}
	// vCenter's listener does not serve it (and the URL stays unspent).
	if status, _ := g.do(http.MethodPut, g.onVCenter(up), bytes.NewReader(data)); status != http.StatusNotFound {
		t.Fatalf("PUT on vCenter's listener: %d", status)
	}
	if err := pinned.Upload(g.ctx, bytes.NewReader(data), u, &soap.Upload{Method: http.MethodPut, ContentLength: int64(len(data))}); err != nil {
		t.Fatalf("pinned upload: %v", err)
	}

	info, err := g.fm.InitiateFileTransferFromGuest(g.ctx, g.auth, "/tmp/via-host.bin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(info.Url, g.hosts().baseURL()+"/guestFile?") {
		t.Fatalf("download URL %s", info.Url)
	}
	got, err := g.pinnedDownload(pinned, info.Url)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("pinned download: %d bytes (want %d), %v", len(got), len(data), err)
	}
	if status, _ := g.do(http.MethodGet, g.onVCenter(info.Url), nil); status != http.StatusNotFound {
		t.Fatalf("GET on vCenter's listener: %d", status)
	}
	// govmomi's TransferURL keeps the host (an IP) and pins the host's thumbprint on its client.
	turl, err := g.fm.TransferURL(g.ctx, info.Url)
	if err != nil || turl.Host != g.hosts().host || g.client.Client.Thumbprint(turl.Host) != soap.ThumbprintSHA1(cert) {
		t.Fatalf("TransferURL %v, %v", turl, err)
	}
}

func TestHostEndpointPublishesOnHostsAddedLater(t *testing.T) {
	env := gxStart(t, false)
	cert := presentedCertificate(t, env.hosts().host)
	folder, err := env.finder.Folder(env.ctx, "/DC0/host")
	if err != nil {
		t.Fatal(err)
	}
	task, err := folder.AddStandaloneHost(env.ctx, types.HostConnectSpec{HostName: "added.example.com", UserName: "root", Password: "x"}, true, nil, nil)
	if err == nil {
		err = task.Wait(env.ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := env.finder.ClusterComputeResource(env.ctx, "DC0_C0")
	if err != nil {
		t.Fatal(err)
	}
	task, err = cluster.AddHost(env.ctx, types.HostConnectSpec{HostName: "clustered.example.com", UserName: "root", Password: "x"}, true, nil, nil)
	if err == nil {
		err = task.Wait(env.ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, h := range env.allHosts("name") {
		names[h.Name] = true
	}
	if !names["added.example.com"] || !names["clustered.example.com"] {
		t.Fatalf("hosts %v", names)
	}
	env.checkHostsPublish(cert, soap.ThumbprintSHA1(cert))
}

func TestHostThumbprintHookReportsAChangedCertificate(t *testing.T) {
	env := gxStart(t, false)
	cert := presentedCertificate(t, env.hosts().host)
	real := soap.ThumbprintSHA1(cert)
	stale := strings.Repeat("0A:", 19) + "0B"

	// A collector that watches a host sees the change.
	hostRef := env.allHosts("name")[0].Self
	pc, err := property.DefaultCollector(env.client.Client).Create(env.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Destroy(context.Background())
	if err := pc.CreateFilter(env.ctx, types.CreateFilter{Spec: types.PropertyFilterSpec{
		ObjectSet: []types.ObjectSpec{{Obj: hostRef}},
		PropSet:   []types.PropertySpec{{Type: "HostSystem", PathSet: []string{"summary.config.sslThumbprint"}}},
	}}); err != nil {
		t.Fatal(err)
	}
	version := ""
	waitFor := func(want string) {
		t.Helper()
		wait := int32(10)
		for {
			r, err := methods.WaitForUpdatesEx(env.ctx, env.client.Client, &types.WaitForUpdatesEx{
				This: pc.Reference(), Version: version, Options: &types.WaitOptions{MaxWaitSeconds: &wait}})
			if err != nil {
				t.Fatal(err)
			}
			res := r.Returnval
			if res == nil {
				t.Fatalf("no update to %q", want)
			}
			version = res.Version
			for _, fs := range res.FilterSet {
				for _, obj := range fs.ObjectSet {
					for _, c := range obj.ChangeSet {
						if c.Name == "summary.config.sslThumbprint" && c.Val == want {
							return
						}
					}
				}
			}
		}
	}
	waitFor(real)

	if status, answer := env.hookJSON(http.MethodPost, hostThumbprintPath, "value="+stale); status != http.StatusOK || answer["sslThumbprint"] != stale {
		t.Fatalf("POST %s: %d %v", hostThumbprintPath, status, answer)
	}
	waitFor(stale)
	env.checkHostsPublish(cert, stale) // config.certificate is still the real one
	if _, answer := env.hookJSON(http.MethodGet, hostThumbprintPath, ""); answer["sslThumbprint"] != stale {
		t.Fatalf("GET %s: %v", hostThumbprintPath, answer)
	}
	// New leases carry it, and a client that trusts it refuses the host.
	powerOffAndExport := func() (*object.VirtualMachine, types.HttpNfcLeaseDeviceUrl, func()) {
		vm := env.vm("DC0_H0_VM0")
		export, err := vm.Export(env.ctx)
		if err != nil {
			t.Fatal(err)
		}
		info, err := export.Wait(env.ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return vm, info.DeviceUrl[0], func() { _ = export.Complete(env.ctx) }
	}
	env.powerOff(env.vm("DC0_H0_VM0"))
	_, dev, done := powerOffAndExport()
	if dev.SslThumbprint != stale {
		t.Fatalf("lease sslThumbprint %q, want the reported %q", dev.SslThumbprint, stale)
	}
	if _, err := env.pinnedDownload(env.pinnedClient(dev.SslThumbprint), dev.Url); err == nil || !strings.Contains(err.Error(), "thumbprint does not match") {
		t.Fatalf("download trusting the stale thumbprint: %v", err)
	}
	done()

	// value= restores the real one.
	if status, answer := env.hookJSON(http.MethodPost, hostThumbprintPath+"?value=", ""); status != http.StatusOK || answer["sslThumbprint"] != real {
		t.Fatalf("POST %s?value=: %d %v", hostThumbprintPath, status, answer)
	}
	waitFor(real)
	env.checkHostsPublish(cert, real)
	_, dev, done = powerOffAndExport()
	if dev.SslThumbprint != real {
		t.Fatalf("lease sslThumbprint %q after restoring, want %q", dev.SslThumbprint, real)
	}
	if got, err := env.pinnedDownload(env.pinnedClient(dev.SslThumbprint), dev.Url); err != nil || checkBytes(got) != nil {
		t.Fatalf("download trusting the real thumbprint: %d bytes, %v", len(got), err)
	}
	done()

	// Refusals.
	for _, c := range []struct {
		method, path, body string
		want               int
	}{
		{http.MethodPost, hostThumbprintPath, "", http.StatusBadRequest},
		{http.MethodPost, hostThumbprintPath, "value=not-a-thumbprint", http.StatusBadRequest},
		{http.MethodPut, hostThumbprintPath, "value=" + stale, http.StatusMethodNotAllowed},
		{http.MethodPost, hostEndpointPath, "", http.StatusMethodNotAllowed},
	} {
		if status, _ := env.hookJSON(c.method, c.path, c.body); status != c.want {
			t.Fatalf("%s %s %q: %d, want %d", c.method, c.path, c.body, status, c.want)
		}
	}
	if _, answer := env.hookJSON(http.MethodGet, hostThumbprintPath, ""); answer["sslThumbprint"] != real {
		t.Fatalf("a refused call changed the thumbprint: %v", answer)
	}
}

func TestHostEndpointNotInESXMode(t *testing.T) {
	e := newESXEnv(t)
	for _, p := range []string{hostEndpointPath, hostThumbprintPath} {
		res, err := http.Get(e.base + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("GET %s in ESX mode: %d", p, res.StatusCode)
		}
	}
}
