package main

// VirtualMachine.CreateScreenshot_Task, which the stock simulator lacks, routed through gxRouter (gx_common.go).
//
// As in vSphere the task writes a PNG of the console into the VM's folder on its datastore and returns the datastore
// path as the task result, "[LocalDS_0] DC0_H0_VM0/DC0_H0_VM0-1.png", numbering the files -1, -2, ... The file is
// also listed in the VM's layoutEx.file (type "screenshot"), and can be downloaded from /folder/<vm folder>/<file>
// ?dcPath=<datacenter>&dsName=<datastore>. The picture is 800x600: a title bar in a colour derived from the VM name,
// and a text console showing the guest OS name, the host name, a login prompt and the time of the screenshot.
// A VM that is not powered on fails the task with InvalidPowerState (requestedState poweredOn).
//
// Test hook, extraConfig "vcsim.screenshot" of the VM: "not-png" writes a file that is not a PNG image (a download
// that cannot be used); "undeletable" makes DeleteDatastoreFile_Task of the VM's screenshots fail with
// CannotDeleteFile (a server account without the privilege to delete datastore files).

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const (
	screenshotWidth   = 800
	screenshotHeight  = 600
	screenshotHookKey = "vcsim.screenshot"
)

func init() {
	extensions = append(extensions, func(model *simulator.Model) { gxInstallRouter(model) })
}

// CreateScreenshotTask implements VirtualMachine.CreateScreenshot_Task.
func (r *gxRouter) CreateScreenshotTask(ctx *simulator.Context, req *gxCreateScreenshotRequest) soap.HasFault {
	ref := req.Req.This
	vm, obj, ok := gxVM(ref)
	if !ok {
		return &methods.CreateScreenshot_TaskBody{Fault_: gxNotFound(ref)}
	}
	var task *simulator.Task
	simulator.Map.WithLock(obj, func() {
		task = simulator.CreateTask(ref, "createScreenshotTask", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
			return screenshotTake(vm)
		})
		task.Run()
	})
	return &methods.CreateScreenshot_TaskBody{Res: &types.CreateScreenshot_TaskResponse{Returnval: task.Self}}
}

// screenshotTake writes the next screenshot file of vm and returns its datastore path.
func screenshotTake(vm *simulator.VirtualMachine) (types.AnyType, types.BaseMethodFault) {
	if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
		return nil, &types.InvalidPowerState{
			RequestedState: types.VirtualMachinePowerStatePoweredOn,
			ExistingState:  vm.Runtime.PowerState,
		}
	}
	if vm.Config == nil {
		return nil, &types.InvalidState{}
	}
	var vmx object.DatastorePath
	if !vmx.FromString(vm.Config.Files.VmPathName) {
		return nil, &types.InvalidDatastorePath{DatastorePath: vm.Config.Files.VmPathName}
	}
	ds, ok := gxDatastoreByName(vm, vmx.Datastore)
	if !ok {
		return nil, &types.InvalidDatastore{Name: vmx.Datastore}
	}
	folder := path.Dir(vmx.Path)
	base := strings.TrimSuffix(path.Base(vmx.Path), path.Ext(vmx.Path))
	local := filepath.Join(ds.Info.GetDatastoreInfo().Url, filepath.FromSlash(folder))
	if err := os.MkdirAll(local, 0o755); err != nil {
		return nil, &types.FileFault{File: vmx.String()}
	}

	hostName := vm.Name
	if vm.Guest != nil && vm.Guest.HostName != "" {
		hostName = vm.Guest.HostName
	}
	osName := vm.Config.GuestFullName
	if osName == "" {
		osName = vm.Config.GuestId
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if hook, _ := vmExtraConfig(vm, screenshotHookKey); hook == "not-png" {
		buf.WriteString("this screenshot is not a PNG image\n")
	} else if err := enc.Encode(&buf, screenshotImage(vm.Name, hostName, osName, time.Now())); err != nil {
		return nil, &types.FileFault{File: vmx.String()}
	}

	for n := 1; ; n++ {
		name := fmt.Sprintf("%s-%d.png", base, n)
		f, err := os.OpenFile(filepath.Join(local, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if os.IsExist(err) {
			continue
		}
		p := object.DatastorePath{Datastore: vmx.Datastore, Path: path.Join(folder, name)}
		if err != nil {
			return nil, &types.CannotAccessFile{FileFault: types.FileFault{File: p.String()}}
		}
		_, err = f.Write(buf.Bytes())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, &types.CannotAccessFile{FileFault: types.FileFault{File: p.String()}}
		}
		screenshotRecord(vm, p.String(), int64(buf.Len()))
		return p.String(), nil
	}
}

// screenshotRecord lists the new file in the VM's layoutEx, as vSphere does.
func screenshotRecord(vm *simulator.VirtualMachine, name string, size int64) {
	if vm.LayoutEx == nil {
		return
	}
	key := int32(0)
	for _, f := range vm.LayoutEx.File {
		if f.Key >= key {
			key = f.Key + 1
		}
	}
	accessible := true
	vm.LayoutEx.File = append(vm.LayoutEx.File, types.VirtualMachineFileLayoutExFileInfo{
		Key:        key,
		Name:       name,
		Type:       string(types.VirtualMachineFileLayoutExFileTypeScreenshot),
		Size:       size,
		UniqueSize: size,
		Accessible: &accessible,
	})
	now := time.Now()
	vm.LayoutEx.Timestamp = now
}

// screenshotImage draws the console of a VM.
func screenshotImage(vmName, hostName, osName string, at time.Time) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, screenshotWidth, screenshotHeight))
	draw.Draw(img, img.Bounds(), &image.Uniform{C: color.RGBA{0x10, 0x14, 0x18, 0xff}}, image.Point{}, draw.Src)

	h := fnv.New32a()
	_, _ = h.Write([]byte(vmName))
	sum := h.Sum32()
	accent := color.RGBA{uint8(0x40 + sum%0x80), uint8(0x40 + (sum>>8)%0x80), uint8(0x40 + (sum>>16)%0x80), 0xff}
	draw.Draw(img, image.Rect(0, 0, screenshotWidth, 32), &image.Uniform{C: accent}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, screenshotHeight-24, screenshotWidth, screenshotHeight),
		&image.Uniform{C: color.RGBA{0x24, 0x28, 0x30, 0xff}}, image.Point{}, draw.Src)

	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	text := color.RGBA{0xc8, 0xd0, 0xc8, 0xff}
	screenshotText(img, 10, 9, vmName+" - console", white)

	lines := []string{
		osName,
		"Kernel on an x86_64",
		"",
		hostName + " login: root",
		"Password:",
		"Last login: " + at.UTC().Format("2006-01-02 15:04:05") + " on tty1",
		"[root@" + hostName + " ~]# ",
	}
	y := 52
	for _, line := range lines {
		screenshotText(img, 12, y, line, text)
		y += 20
	}
	// The cursor after the prompt.
	x := 12 + 12*len(lines[len(lines)-1])
	draw.Draw(img, image.Rect(x, y-20, x+10, y-20+14), &image.Uniform{C: text}, image.Point{}, draw.Src)

	screenshotText(img, 10, screenshotHeight-19, at.UTC().Format(time.RFC1123), text)
	return img
}

// screenshotText draws s with a 5x7 font at scale 2 (12 pixels per character). Lower case is drawn as upper case.
func screenshotText(img *image.RGBA, x, y int, s string, c color.Color) {
	for _, r := range strings.ToUpper(s) {
		glyph, ok := screenshotFont[r]
		if !ok {
			glyph = screenshotFont['?']
		}
		if r != ' ' {
			for row, bits := range glyph {
				for col := 0; col < 5; col++ {
					if bits[col] == '1' {
						px, py := x+col*2, y+row*2
						draw.Draw(img, image.Rect(px, py, px+2, py+2), &image.Uniform{C: c}, image.Point{}, draw.Src)
					}
				}
			}
		}
		x += 12
		if x > screenshotWidth-12 {
			return
		}
	}
}

var screenshotFont = map[rune][7]string{
	'A': {"01110", "10001", "10001", "11111", "10001", "10001", "10001"},
	'B': {"11110", "10001", "10001", "11110", "10001", "10001", "11110"},
	'C': {"01110", "10001", "10000", "10000", "10000", "10001", "01110"},
	'D': {"11100", "10010", "10001", "10001", "10001", "10010", "11100"},
	'E': {"11111", "10000", "10000", "11110", "10000", "10000", "11111"},
	'F': {"11111", "10000", "10000", "11110", "10000", "10000", "10000"},
	'G': {"01110", "10001", "10000", "10111", "10001", "10001", "01111"},
	'H': {"10001", "10001", "10001", "11111", "10001", "10001", "10001"},
	'I': {"01110", "00100", "00100", "00100", "00100", "00100", "01110"},
	'J': {"00111", "00010", "00010", "00010", "00010", "10010", "01100"},
	'K': {"10001", "10010", "10100", "11000", "10100", "10010", "10001"},
	'L': {"10000", "10000", "10000", "10000", "10000", "10000", "11111"},
	'M': {"10001", "11011", "10101", "10101", "10001", "10001", "10001"},
	'N': {"10001", "10001", "11001", "10101", "10011", "10001", "10001"},
	'O': {"01110", "10001", "10001", "10001", "10001", "10001", "01110"},
	'P': {"11110", "10001", "10001", "11110", "10000", "10000", "10000"},
	'Q': {"01110", "10001", "10001", "10001", "10101", "10010", "01101"},
	'R': {"11110", "10001", "10001", "11110", "10100", "10010", "10001"},
	'S': {"01111", "10000", "10000", "01110", "00001", "00001", "11110"},
	'T': {"11111", "00100", "00100", "00100", "00100", "00100", "00100"},
	'U': {"10001", "10001", "10001", "10001", "10001", "10001", "01110"},
	'V': {"10001", "10001", "10001", "10001", "10001", "01010", "00100"},
	'W': {"10001", "10001", "10001", "10101", "10101", "10101", "01010"},
	'X': {"10001", "10001", "01010", "00100", "01010", "10001", "10001"},
	'Y': {"10001", "10001", "10001", "01010", "00100", "00100", "00100"},
	'Z': {"11111", "00001", "00010", "00100", "01000", "10000", "11111"},
	'0': {"01110", "10001", "10011", "10101", "11001", "10001", "01110"},
	'1': {"00100", "01100", "00100", "00100", "00100", "00100", "01110"},
	'2': {"01110", "10001", "00001", "00010", "00100", "01000", "11111"},
	'3': {"11111", "00010", "00100", "00010", "00001", "10001", "01110"},
	'4': {"00010", "00110", "01010", "10010", "11111", "00010", "00010"},
	'5': {"11111", "10000", "11110", "00001", "00001", "10001", "01110"},
	'6': {"00110", "01000", "10000", "11110", "10001", "10001", "01110"},
	'7': {"11111", "00001", "00010", "00100", "01000", "01000", "01000"},
	'8': {"01110", "10001", "10001", "01110", "10001", "10001", "01110"},
	'9': {"01110", "10001", "10001", "01111", "00001", "00010", "01100"},
	' ': {"00000", "00000", "00000", "00000", "00000", "00000", "00000"},
	':': {"00000", "01100", "01100", "00000", "01100", "01100", "00000"},
	'-': {"00000", "00000", "00000", "11111", "00000", "00000", "00000"},
	'_': {"00000", "00000", "00000", "00000", "00000", "00000", "11111"},
	'.': {"00000", "00000", "00000", "00000", "00000", "01100", "01100"},
	',': {"00000", "00000", "00000", "00000", "01100", "00100", "01000"},
	'@': {"01110", "10001", "00001", "01101", "10101", "10101", "01110"},
	'[': {"01110", "01000", "01000", "01000", "01000", "01000", "01110"},
	']': {"01110", "00010", "00010", "00010", "00010", "00010", "01110"},
	'(': {"00010", "00100", "01000", "01000", "01000", "00100", "00010"},
	')': {"01000", "00100", "00010", "00010", "00010", "00100", "01000"},
	'~': {"00000", "00000", "01000", "10101", "00010", "00000", "00000"},
	'#': {"01010", "01010", "11111", "01010", "11111", "01010", "01010"},
	'/': {"00000", "00001", "00010", "00100", "01000", "10000", "00000"},
	'$': {"00100", "01111", "10100", "01110", "00101", "11110", "00100"},
	'+': {"00000", "00100", "00100", "11111", "00100", "00100", "00000"},
	'?': {"01110", "10001", "00001", "00010", "00100", "00000", "00100"},
}

// screenshotUndeletable returns CannotDeleteFile when datastorePath is a screenshot of a VM whose test hook says
// "undeletable" (see the top of this file), else nil.
func screenshotUndeletable(datastorePath string) *soap.Fault {
	for _, obj := range simulator.Map.All("VirtualMachine") {
		vm, ok := obj.(*simulator.VirtualMachine)
		if !ok || vm.LayoutEx == nil {
			continue
		}
		if hook, _ := vmExtraConfig(vm, screenshotHookKey); hook != "undeletable" {
			continue
		}
		for _, f := range vm.LayoutEx.File {
			if f.Name == datastorePath && f.Type == string(types.VirtualMachineFileLayoutExFileTypeScreenshot) {
				return fault(fmt.Sprintf("Cannot delete file %s", datastorePath), &types.CannotDeleteFile{FileFault: types.FileFault{File: datastorePath}})
			}
		}
	}
	return nil
}
