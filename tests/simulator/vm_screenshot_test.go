package main

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"testing"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// gxScreenshot calls CreateScreenshot_Task and waits for its result.
func gxScreenshot(ctx context.Context, vm *object.VirtualMachine) (string, error) {
	res, err := methods.CreateScreenshot_Task(ctx, vm.Client(), &types.CreateScreenshot_Task{This: vm.Reference()})
	if err != nil {
		return "", err
	}
	info, err := object.NewTask(vm.Client(), res.Returnval).WaitForResult(ctx, nil)
	if err != nil {
		return "", err
	}
	return info.Result.(string), nil
}

func TestScreenshotWritesPNGToTheVMFolder(t *testing.T) {
	env := gxStart(t, false)
	vm := env.vm("DC0_H0_VM0")

	first, err := gxScreenshot(env.ctx, vm)
	if err != nil {
		t.Fatal(err)
	}
	if first != "[LocalDS_0] DC0_H0_VM0/DC0_H0_VM0-1.png" {
		t.Fatalf("first screenshot at %q", first)
	}
	second, err := gxScreenshot(env.ctx, vm)
	if err != nil || second != "[LocalDS_0] DC0_H0_VM0/DC0_H0_VM0-2.png" {
		t.Fatalf("second screenshot at %q, %v", second, err)
	}

	// The file is on the datastore: download it as a client would, and decode it.
	u := *env.server.URL
	u.Path = "/folder/DC0_H0_VM0/DC0_H0_VM0-1.png"
	u.RawQuery = "dcPath=DC0&dsName=LocalDS_0"
	u.User = nil
	status, data := env.do(http.MethodGet, u.String(), nil)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d", u.String(), status)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != screenshotWidth || b.Dy() != screenshotHeight {
		t.Fatalf("screenshot is %v", b)
	}
	colors := map[uint32]bool{}
	for y := 0; y < screenshotHeight; y += 3 {
		for x := 0; x < screenshotWidth; x += 3 {
			r, g, b, _ := img.At(x, y).RGBA()
			colors[r>>8<<16|g>>8<<8|b>>8] = true
		}
	}
	if len(colors) < 3 {
		t.Fatalf("the screenshot has %d colours: nothing is drawn", len(colors))
	}

	var props mo.VirtualMachine
	if err := property.DefaultCollector(env.client.Client).RetrieveOne(env.ctx, vm.Reference(), []string{"layoutEx"}, &props); err != nil {
		t.Fatal(err)
	}
	listed := false
	for _, f := range props.LayoutEx.File {
		listed = listed || (f.Name == first && f.Type == string(types.VirtualMachineFileLayoutExFileTypeScreenshot) && f.Size == int64(len(data)))
	}
	if !listed {
		t.Fatalf("layoutEx does not list %s", first)
	}

	env.powerOff(vm)
	_, err = gxScreenshot(env.ctx, vm)
	gxExpectFault(t, "powered off", err, &types.InvalidPowerState{})
}
