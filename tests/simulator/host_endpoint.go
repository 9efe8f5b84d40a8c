package main

// The ESXi hosts' endpoint (vCenter mode): the TLS endpoint of the hosts that run the VMs, beside vCenter's own.
//
// Through vCenter, the URLs of guest file transfers (GuestFileManager.InitiateFileTransferFromGuest's
// FileTransferInformation.url, InitiateFileTransferToGuest's URL) and of NFC leases (HttpNfcLease.info.deviceUrl[].url,
// for ExportVm and ImportVApp) name the ESXi host that runs the VM, not vCenter: hostd serves /guestFile and /nfc, and
// the client must trust the host's own certificate, which vCenter publishes (HostSystem summary.config.sslThumbprint,
// config.certificate, and HttpNfcLeaseDeviceUrl.sslThumbprint).
//
// Here every host is one second listener, started with the server in vCenter mode (not with -esx, where the endpoint
// is the host and the URLs keep vCenter's "*" form): https on 127.0.0.1 at a random port, always TLS (whether or not
// vCenter uses -tls), with its own self-signed certificate generated when the process starts (RSA 2048, CN 127.0.0.1,
// SAN 127.0.0.1, ::1 and localhost; not vCenter's). It serves the guest file transfer and NFC paths (the handlers of
// guest_ops.go and nfc_lease.go); every other path is 404 there. vCenter's listener answers 404 for /guestFile and
// /nfc/, as a real vCenter does (they are hostd's); /folder (datastore files) and everything else stay on vCenter.
//
// URLs: "https://127.0.0.1:<port>/guestFile?id=<n>&token=<hex>" and "https://127.0.0.1:<port>/nfc/<lease
// moref>/<file>". Thumbprints are SHA-1 as vSphere writes them: 20 uppercase hex pairs separated by ':'.
//
// Every HostSystem (those of the model and those added later: AddStandaloneHost_Task, AddHost_Task) publishes
// summary.config.sslThumbprint (that SHA-1) and config.certificate (the certificate in PEM). config.certificate is
// declared xsd:byte[]: vCenter writes one element per byte, as a signed decimal ("<certificate>45</certificate>
// <certificate>45</certificate>...", in a propSet "<val xsi:type="ArrayOfByte"><byte>45</byte>..."), while govmomi's
// XML encoder writes a []byte as one element holding the raw text. The SDK answers are rewritten to vCenter's form
// (certificateRewriter). govmomi 0.24.2's decoder does not read that form back into a []byte (each element replaces
// the last: mo.HostSystem.Config.Certificate comes out as the text of the last byte, "10"; later govmomi has
// types.ByteSlice for this); decode it as []int8.
//
// Test hooks on vCenter's listener (no login): GET /vcsim/host-endpoint answers {"url": "https://127.0.0.1:<port>",
// "sha1": "AA:BB:...", "sha256": "AA:BB:..."}; POST /vcsim/host-thumbprint with value=<thumbprint> (query or form
// body) makes vCenter report that thumbprint for every host (summary.config.sslThumbprint and the sslThumbprint of
// leases created afterwards): a host whose certificate changed since vCenter learned it. value= (empty) restores the
// real one. It answers {"sslThumbprint": "<what vCenter reports now>"} (GET too); a value that is not hex pairs
// separated by ':' gives 400, no value parameter 400, another method 405.

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
)

const (
	hostEndpointPath   = "/vcsim/host-endpoint"
	hostThumbprintPath = "/vcsim/host-thumbprint"
)

// hostEndpoint is the hosts' TLS endpoint of one server in vCenter mode.
type hostEndpoint struct {
	registry *simulator.Registry
	mux      *http.ServeMux
	server   *http.Server
	host     string // 127.0.0.1:<port>
	cert     *hostCert

	mu       sync.Mutex
	reported string // the thumbprint vCenter reports for the hosts, set by the hook; "" = the real one
}

// hostCert is the hosts' certificate, generated once per process.
type hostCert struct {
	tls    tls.Certificate
	pem    []byte
	sha1   string
	sha256 string

	// The forms in which the stock encoder writes pem in an SDK answer, and vCenter's xsd:byte[] forms.
	stockConfig, vcenterConfig []byte // HostConfigInfo.certificate
	stockArray, vcenterArray   []byte // ArrayOfByte.byte (a propSet val of config.certificate)
}

var (
	hostCertOnce sync.Once
	hostCertVal  *hostCert

	hostEndpoints = struct {
		sync.Mutex
		bySvc map[*simulator.Service]*hostEndpoint
	}{bySvc: map[*simulator.Service]*hostEndpoint{}}

	thumbprintPattern = regexp.MustCompile(`^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})+$`)
)

// hostCertificate returns the hosts' certificate, generating it on first use.
func hostCertificate() *hostCert {
	hostCertOnce.Do(func() {
		c, err := newHostCert()
		if err != nil {
			log.Fatalf("generating the hosts' certificate: %v", err)
		}
		hostCertVal = c
	})
	return hostCertVal
}

func newHostCert() (*hostCert, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	template := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			CommonName:         "127.0.0.1",
			Organization:       []string{"VMware, Inc"},
			OrganizationalUnit: []string{"VMware ESX Server Default Certificate (mcvsphere-vcsim)"},
		},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // self-signed: a client may pin it as its own trust anchor
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	c := &hostCert{
		tls:    tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		pem:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		sha1:   vsphereThumbprint(sha1Sum(der)),
		sha256: vsphereThumbprint(sha256Sum(der)),
	}
	var escaped bytes.Buffer
	if err := xml.EscapeText(&escaped, c.pem); err != nil {
		return nil, err
	}
	c.stockConfig, c.vcenterConfig = xsdByteArray("certificate", escaped.Bytes(), c.pem)
	c.stockArray, c.vcenterArray = xsdByteArray("byte", escaped.Bytes(), c.pem)
	return c, nil
}

// xsdByteArray returns how the stock encoder writes data in elements named tag (one element, the escaped text) and
// how vCenter writes an xsd:byte[] (one element per byte, a signed decimal).
func xsdByteArray(tag string, escaped, data []byte) (stock, vcenter []byte) {
	stock = []byte("<" + tag + ">" + string(escaped) + "</" + tag + ">")
	var b bytes.Buffer
	for _, c := range data {
		b.WriteString("<" + tag + ">" + strconv.Itoa(int(int8(c))) + "</" + tag + ">")
	}
	return stock, b.Bytes()
}

func sha1Sum(b []byte) []byte   { s := sha1.Sum(b); return s[:] }
func sha256Sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

// vsphereThumbprint writes a digest as vSphere does: uppercase hex pairs separated by ':'.
func vsphereThumbprint(sum []byte) string {
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// installHostEndpoint starts the hosts' endpoint of the server being created (vCenter mode), takes the transfer
// paths off vCenter's front mux, serves the hooks there, and publishes the hosts' certificate. It returns the
// handler to serve the SDK with (next, rewriting the certificate to vCenter's xsd:byte[] form).
func installHostEndpoint(s *simulator.Service, r *simulator.Registry, front *http.ServeMux, next http.Handler) http.Handler {
	cert := hostCertificate()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("hosts' endpoint: %v", err)
	}
	he := &hostEndpoint{registry: r, mux: http.NewServeMux(), host: listener.Addr().String(), cert: cert}
	he.mux.Handle("/", http.NotFoundHandler())
	he.server = &http.Server{
		Handler:           he.mux,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert.tls}},
		ReadHeaderTimeout: time.Minute,
		ErrorLog:          log.New(io.Discard, "", 0), // clients that refuse the certificate are expected
	}
	go func() {
		if err := he.server.ServeTLS(listener, "", ""); err != nil && err != http.ErrServerClosed {
			log.Printf("hosts' endpoint: %v", err)
		}
	}()

	// hostd's paths, not vCenter's (the stock mux serves /guestFile/ and /nfc/ on vCenter).
	for _, path := range []string{guestTransferPath, guestTransferPath + "/", nfcPathPrefix} {
		front.Handle(path, http.NotFoundHandler())
	}
	if g := guestOpsOf(r); g != nil {
		g.serve(he.mux) // a forged or spent URL gets 403 there from the first request
	}
	front.HandleFunc(hostEndpointPath, he.serveEndpoint)
	front.HandleFunc(hostThumbprintPath, he.serveThumbprint)

	for _, obj := range r.All("HostSystem") {
		if host, ok := obj.(*simulator.HostSystem); ok {
			r.WithLock(host, func() { he.publish(host) })
		}
	}
	r.AddHandler(&hostEndpointWatcher{he: he})

	hostEndpoints.Lock()
	hostEndpoints.bySvc[s] = he
	hostEndpoints.Unlock()
	return &certificateRewriter{cert: cert, next: next}
}

// guestOpsOf returns the guest-operations extension of a registry, if installed.
func guestOpsOf(r *simulator.Registry) *guestOps {
	si, ok := r.Get(vim25.ServiceInstance).(*simulator.ServiceInstance)
	if !ok || si.Content.GuestOperationsManager == nil {
		return nil
	}
	v, ok := gxEmbedded(r.Get(*si.Content.GuestOperationsManager), reflectTypeGuestOpsManager)
	if !ok {
		return nil
	}
	if gom := v.Interface().(*mo.GuestOperationsManager); gom.FileManager != nil {
		if fm, ok := r.Get(*gom.FileManager).(*guestFileManager); ok {
			return fm.g
		}
	}
	return nil
}

// hostEndpointOf returns the hosts' endpoint of a server, nil in ESX mode or without one.
func hostEndpointOf(svc *simulator.Service) *hostEndpoint {
	hostEndpoints.Lock()
	defer hostEndpoints.Unlock()
	return hostEndpoints.bySvc[svc]
}

// closeHostEndpoint stops the hosts' endpoint of a server (the simulator's Server.Close does not know it).
func closeHostEndpoint(svc *simulator.Service) {
	hostEndpoints.Lock()
	he := hostEndpoints.bySvc[svc]
	delete(hostEndpoints.bySvc, svc)
	hostEndpoints.Unlock()
	if he != nil {
		_ = he.server.Close()
	}
}

// baseURL is "https://127.0.0.1:<port>".
func (he *hostEndpoint) baseURL() string { return "https://" + he.host }

// reportedThumbprint is the thumbprint vCenter reports for every host.
func (he *hostEndpoint) reportedThumbprint() string {
	he.mu.Lock()
	defer he.mu.Unlock()
	if he.reported != "" {
		return he.reported
	}
	return he.cert.sha1
}

// publish sets a host's certificate properties directly (the caller holds its lock, or nobody sees it yet).
func (he *hostEndpoint) publish(host *simulator.HostSystem) {
	host.Summary.Config.SslThumbprint = he.reportedThumbprint()
	if host.Config != nil {
		host.Config.Certificate = append([]byte(nil), he.cert.pem...)
	}
}

// hostEndpointWatcher is a registry handler that publishes the certificate of hosts added later.
type hostEndpointWatcher struct {
	he *hostEndpoint
}

func (w *hostEndpointWatcher) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "McVSphereHostEndpoint", Value: "host-endpoint"}
}

func (w *hostEndpointWatcher) PutObject(obj mo.Reference) {
	if host, ok := obj.(*simulator.HostSystem); ok {
		w.he.publish(host) // the host is being added: its task still holds it
	}
}

func (w *hostEndpointWatcher) UpdateObject(mo.Reference, []types.PropertyChange) {}
func (w *hostEndpointWatcher) RemoveObject(types.ManagedObjectReference)         {}

func (he *hostEndpoint) serveEndpoint(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	writeHookJSON(w, map[string]string{"url": he.baseURL(), "sha1": he.cert.sha1, "sha256": he.cert.sha256})
}

func (he *hostEndpoint) serveThumbprint(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		writeHookJSON(w, map[string]string{"sslThumbprint": he.reportedThumbprint()})
		return
	case http.MethodPost:
	default:
		http.Error(w, "POST value=<thumbprint> (empty: the real one), or GET", http.StatusMethodNotAllowed)
		return
	}
	values := r.URL.Query()
	body, err := io.ReadAll(io.LimitReader(r.Body, 4096))
	if err != nil {
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	if form, err := url.ParseQuery(strings.TrimSpace(string(body))); err == nil {
		for k, v := range form {
			values[k] = append(values[k], v...)
		}
	}
	if _, ok := values["value"]; !ok {
		http.Error(w, "missing value=<thumbprint> (value= restores the real one)", http.StatusBadRequest)
		return
	}
	value := strings.TrimSpace(values.Get("value"))
	if value != "" && !thumbprintPattern.MatchString(value) {
		http.Error(w, "value must be hex pairs separated by ':' (AA:BB:...)", http.StatusBadRequest)
		return
	}
	he.mu.Lock()
	he.reported = strings.ToUpper(value)
	he.mu.Unlock()
	he.republish()
	writeHookJSON(w, map[string]string{"sslThumbprint": he.reportedThumbprint()})
}

// republish reports the current thumbprint on every host, through the registry so that collectors see the change.
func (he *hostEndpoint) republish() {
	thumbprint := he.reportedThumbprint()
	for _, obj := range he.registry.All("HostSystem") {
		host, ok := obj.(*simulator.HostSystem)
		if !ok {
			continue
		}
		he.registry.WithLock(host, func() {
			if host.Summary.Config.SslThumbprint != thumbprint {
				he.registry.Update(host, []types.PropertyChange{{Name: "summary.config.sslThumbprint", Val: thumbprint}})
			}
		})
	}
}

func writeHookJSON(w http.ResponseWriter, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// transferSite is where transfer URLs point and which mux serves them.
type transferSite struct {
	mux        *http.ServeMux
	scheme     string
	host       string // "127.0.0.1:<port>", or "*" (the host:port the client called)
	thumbprint string // HttpNfcLeaseDeviceUrl.sslThumbprint; "" without a hosts' endpoint
}

// transferSiteOf returns the hosts' endpoint of the server in vCenter mode; else (ESX mode, or a server without the
// router) the server itself, "*" standing for the host:port the client called.
func transferSiteOf(svc *simulator.Service) transferSite {
	if he := hostEndpointOf(svc); he != nil {
		return transferSite{mux: he.mux, scheme: "https", host: he.host, thumbprint: he.reportedThumbprint()}
	}
	site := transferSite{scheme: "https", host: "*"}
	if svc != nil {
		site.mux = svc.ServeMux
		if svc.Listen != nil && svc.Listen.Scheme != "" {
			site.scheme = svc.Listen.Scheme
		}
	}
	return site
}

// certificateRewriter writes the hosts' certificate in SDK answers as vCenter does (see the top of this file).
type certificateRewriter struct {
	cert *hostCert
	next http.Handler
}

func (c *certificateRewriter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		c.next.ServeHTTP(w, r)
		return
	}
	rec := &bufferedResponse{header: http.Header{}}
	c.next.ServeHTTP(rec, r)
	body := rec.body.Bytes()
	if bytes.Contains(body, c.cert.stockConfig) || bytes.Contains(body, c.cert.stockArray) {
		body = bytes.ReplaceAll(body, c.cert.stockConfig, c.cert.vcenterConfig)
		body = bytes.ReplaceAll(body, c.cert.stockArray, c.cert.vcenterArray)
		rec.header.Del("Content-Length")
	}
	for name, values := range rec.header {
		w.Header()[name] = values
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(body)
}

// bufferedResponse records an answer (the SDK handlers write theirs whole, unflushed).
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
