package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"
)

// qemuImg runs qemu-img (Debian's qemu-utils, installed by scripts/test.sh), the independent VMDK implementation the
// test bed's disks are checked against.
func qemuImg(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command("qemu-img", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("qemu-img %s: %v\n%s (install Debian's qemu-utils)", strings.Join(args, " "), err, out)
	}
}

// gxDiskData is n bytes of disk: pseudo-random data with a run of zeros in the middle, which VMDKs leave out.
func gxDiskData(n int, seed int64) []byte {
	data := gxRandom(n, seed)
	for i := n / 3; i < n/3+n/4 && i < n; i++ {
		data[i] = 0
	}
	return data
}

// gxVmdk converts raw disk data into a streamOptimized VMDK with qemu-img, as the product's tests do.
func gxVmdk(t *testing.T, raw []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := path.Join(dir, "disk.raw"), path.Join(dir, "disk.vmdk")
	if err := os.WriteFile(in, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	qemuImg(t, "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized", in, out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// qemuRaw reads a VMDK back as raw disk bytes with qemu-img.
func qemuRaw(t *testing.T, vmdk []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := path.Join(dir, "disk.vmdk"), path.Join(dir, "disk.raw")
	if err := os.WriteFile(in, vmdk, 0o644); err != nil {
		t.Fatal(err)
	}
	qemuImg(t, "convert", "-f", "vmdk", "-O", "raw", in, out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkBytes(b []byte) error { return checkStreamOptimized(bytes.NewReader(b), int64(len(b))) }

func TestStreamOptimizedFromQemuImgIsAccepted(t *testing.T) {
	for _, n := range []int{512, 65536, 1<<20 + 4096} {
		if err := checkBytes(gxVmdk(t, gxDiskData(n, int64(n)))); err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		// Incompressible data leaves qemu-img's file ending right after the last grain.
		if err := checkBytes(gxVmdk(t, gxRandom(n, int64(n)))); err != nil {
			t.Fatalf("%d random bytes: %v", n, err)
		}
	}
}

func TestStreamOptimizedEncoderIsReadByQemuImg(t *testing.T) {
	data := gxDiskData(3<<20+512, 5)
	var stream bytes.Buffer
	if err := writeStreamOptimized(&stream, bytes.NewReader(data), 8<<20, "disk.vmdk"); err != nil {
		t.Fatal(err)
	}
	if err := checkBytes(stream.Bytes()); err != nil {
		t.Fatalf("the encoder's own stream: %v", err)
	}
	raw := qemuRaw(t, stream.Bytes())
	if len(raw) != 8<<20 || !bytes.Equal(raw[:len(data)], data) || !allZero(raw[len(data):]) {
		t.Fatalf("qemu-img read %d bytes back, not the %d written and zeros to 8 MiB", len(raw), len(data))
	}
	if stream.Len() >= len(data) {
		t.Fatalf("the stream (%d bytes) left no grain of zeros out of %d bytes", stream.Len(), len(data))
	}
	var tooLong bytes.Buffer
	if err := writeStreamOptimized(&tooLong, bytes.NewReader(data), 1<<20, "disk.vmdk"); err == nil {
		t.Fatal("data longer than the capacity was encoded")
	}
}

func TestNonStreamDisksAreRefused(t *testing.T) {
	data := gxDiskData(256<<10, 9)
	dir := t.TempDir()
	raw, sparse := path.Join(dir, "disk.raw"), path.Join(dir, "sparse.vmdk")
	if err := os.WriteFile(raw, data, 0o644); err != nil {
		t.Fatal(err)
	}
	qemuImg(t, "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=monolithicSparse", raw, sparse)
	monolithic, _ := os.ReadFile(sparse)
	stream := gxVmdk(t, data)
	corrupt := append([]byte(nil), stream...)
	grain := 128*vmdkSector + 12 + 40 // inside the first grain's compressed data
	for i := grain; i < grain+64; i++ {
		corrupt[i] ^= 0xff
	}
	var vmware bytes.Buffer
	if err := writeStreamOptimized(&vmware, bytes.NewReader(data), int64(len(data)), "disk.vmdk"); err != nil {
		t.Fatal(err)
	}
	noFooter := append(append([]byte(nil), vmware.Bytes()[:vmware.Len()-3*vmdkSector]...), metadataMarker(0, vmdkMarkerEOS)...)

	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"raw bytes", data, "not a sparse VMDK"},
		{"a monolithicSparse VMDK", monolithic, "not streamOptimized"},
		{"a cut stream", stream[:len(stream)/2], "the stream ends"},
		{"a corrupted grain", corrupt, "does not inflate"},
		{"a stream whose footer is missing", noFooter, "no footer marker"},
		{"a header alone", stream[:vmdkSector], "no embedded descriptor"},
	} {
		err := checkBytes(c.file)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

func TestNfcImportRefusesNonStreamDisksAndExportStreamsChunked(t *testing.T) {
	env := gxStart(t, false)
	data := gxDiskData(300<<10, 3)
	disk := gxVmdk(t, data)
	lease, vm := env.gxImport(fmt.Sprintf(gxApplianceOVF, len(disk)), "streamed", disk)
	info, err := lease.Wait(env.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	url := env.resolve(info.DeviceUrl[0].Url)
	// A raw disk is refused and the stored disk stays as it was.
	status, body := env.do(http.MethodPut, url, bytes.NewReader(data))
	if status != http.StatusBadRequest || !strings.Contains(string(body), "not a streamOptimized VMDK") {
		t.Fatalf("PUT of raw bytes: %d %s", status, body)
	}
	if stored, _ := os.ReadFile(gxDiskFile(t, vm)); !bytes.Equal(stored, disk) {
		t.Fatal("a refused upload changed the stored disk")
	}
	if err := lease.Complete(env.ctx); err != nil {
		t.Fatal(err)
	}

	// The imported disk and a disk the simulator made are exported as streams without a length.
	env.powerOff(env.vm("DC0_H0_VM1"))
	for _, c := range []struct {
		vm   string
		want []byte // the raw disk, or nil for the simulator's own (empty) disk
	}{{"streamed", data}, {"DC0_H0_VM1", nil}} {
		export, err := env.vm(c.vm).Export(env.ctx)
		if err != nil {
			t.Fatal(err)
		}
		info, err := export.Wait(env.ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := gxHTTP.Get(env.resolve(info.DeviceUrl[0].Url))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.ContentLength != -1 || len(res.TransferEncoding) != 1 || res.TransferEncoding[0] != "chunked" {
			t.Fatalf("%s: %d, length %d, encoding %v", c.vm, res.StatusCode, res.ContentLength, res.TransferEncoding)
		}
		if err := checkBytes(got); err != nil {
			t.Fatalf("%s: the exported disk: %v", c.vm, err)
		}
		raw := qemuRaw(t, got)
		if c.want != nil && (!bytes.Equal(raw[:len(c.want)], c.want) || !allZero(raw[len(c.want):])) {
			t.Fatalf("%s: the exported disk does not hold the imported data", c.vm)
		}
		if c.want == nil && (len(raw) == 0 || !allZero(raw)) {
			t.Fatalf("%s: the simulator's empty disk exported as %d bytes, not zeros", c.vm, len(raw))
		}
		if err := export.Complete(env.ctx); err != nil {
			t.Fatal(err)
		}
	}
}
