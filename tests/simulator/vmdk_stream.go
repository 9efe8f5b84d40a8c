package main

// streamOptimized VMDKs, the only disk format NFC transfers carry (VMware's "Virtual Disk Format 5.0", the
// streamOptimized sparse extent): a 512-byte SparseExtentHeader, the embedded descriptor, then deflate-compressed
// grains each behind a grain marker, grain tables and the grain directory behind metadata markers, and an
// end-of-stream marker. Two layouts exist and both are accepted:
//
//   - VMware's (ESXi exports, ovftool): the header's gdOffset is GD_AT_END; the grain directory comes after the grains
//     and a footer (a copy of the header with the real gdOffset) sits before the end-of-stream marker.
//   - qemu-img's (`qemu-img convert -O vmdk -o subformat=streamOptimized`): the header's gdOffset points at a grain
//     directory near the start, written in place after the grains, and the file ends after the last grain, without
//     an end-of-stream marker. ESXi imports these too.
//
// checkStreamOptimized is what the import lease applies to an uploaded disk; writeStreamOptimized encodes a disk for
// an export lease, in VMware's layout.

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	vmdkSector       = 512
	vmdkMagic        = 0x564d444b // "KDMV"
	vmdkGDAtEnd      = ^uint64(0)
	vmdkFlagNewline  = 1 << 0  // valid new line detection
	vmdkFlagCompress = 1 << 16 // grains are compressed
	vmdkFlagMarkers  = 1 << 17 // grains and metadata are behind markers
	vmdkDeflate      = 1       // compressAlgorithm
	vmdkGTEntries    = 512     // numGTEsPerGT
	vmdkGrainSectors = 128     // 64 KiB grains, as VMware writes them

	vmdkMarkerEOS    = 0
	vmdkMarkerGT     = 1
	vmdkMarkerGD     = 2
	vmdkMarkerFooter = 3
)

// vmdkHeader is the SparseExtentHeader's fields that the format relies on, in their on-disk order and offsets.
type vmdkHeader struct {
	Magic            uint32
	Version          uint32
	Flags            uint32
	Capacity         uint64 // sectors
	GrainSize        uint64 // sectors
	DescriptorOffset uint64 // sectors
	DescriptorSize   uint64 // sectors
	NumGTEsPerGT     uint32
	RgdOffset        uint64
	GdOffset         uint64
	OverHead         uint64 // sectors before the first grain
	UncleanShutdown  uint8
	LineChars        [4]byte // '\n', ' ', '\r', '\n': corrupted by text-mode transfers, as the format intends
	CompressAlgo     uint16
}

func parseVmdkHeader(sector []byte) (vmdkHeader, error) {
	var h vmdkHeader
	if err := binary.Read(bytes.NewReader(sector), binary.LittleEndian, &h); err != nil {
		return h, fmt.Errorf("the file is shorter than a VMDK header")
	}
	if h.Magic != vmdkMagic {
		return h, fmt.Errorf("not a sparse VMDK (no KDMV magic number; a flat or raw disk cannot be transferred)")
	}
	return h, nil
}

func (h vmdkHeader) bytes() []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.LittleEndian, h)
	return append(b.Bytes(), make([]byte, vmdkSector-b.Len())...)
}

// checkStreamOptimized reports why the size bytes of r are not a whole streamOptimized VMDK, or nil.
func checkStreamOptimized(r io.ReaderAt, size int64) error {
	sector := func(n uint64) ([]byte, error) {
		b := make([]byte, vmdkSector)
		if n > uint64(size/vmdkSector) {
			return nil, fmt.Errorf("sector %d is past the end of the file (%d bytes)", n, size)
		}
		if _, err := r.ReadAt(b, int64(n)*vmdkSector); err != nil {
			return nil, fmt.Errorf("sector %d is past the end of the file (%d bytes)", n, size)
		}
		return b, nil
	}
	first, err := sector(0)
	if err != nil {
		return fmt.Errorf("not a sparse VMDK: the file is shorter than a VMDK header")
	}
	h, err := parseVmdkHeader(first)
	if err != nil {
		return err
	}
	switch {
	case h.Flags&vmdkFlagCompress == 0 || h.Flags&vmdkFlagMarkers == 0:
		return fmt.Errorf("not streamOptimized: the sparse VMDK's grains are not compressed behind markers (flags %#x)", h.Flags)
	case h.CompressAlgo != vmdkDeflate:
		return fmt.Errorf("not streamOptimized: compression algorithm %d is not deflate", h.CompressAlgo)
	case h.Capacity == 0 || h.GrainSize < 8 || h.GrainSize&(h.GrainSize-1) != 0 || h.NumGTEsPerGT != vmdkGTEntries:
		return fmt.Errorf("bad VMDK header: capacity %d, grain size %d, %d grain table entries", h.Capacity, h.GrainSize, h.NumGTEsPerGT)
	}
	descriptor := make([]byte, h.DescriptorSize*vmdkSector)
	if h.DescriptorOffset == 0 || int64((h.DescriptorOffset+h.DescriptorSize)*vmdkSector) > size {
		return fmt.Errorf("bad VMDK header: no embedded descriptor")
	}
	if _, err := r.ReadAt(descriptor, int64(h.DescriptorOffset*vmdkSector)); err != nil {
		return fmt.Errorf("the embedded descriptor is past the end of the file")
	}
	if !strings.Contains(string(descriptor), `createType="streamOptimized"`) {
		return fmt.Errorf(`not streamOptimized: the embedded descriptor has no createType="streamOptimized"`)
	}

	// The markers, from the first grain to the end-of-stream marker: grains must inflate to at most a grain.
	grains := map[uint64]uint64{} // grain LBA -> sector of its marker
	at := h.OverHead
	for {
		if int64(at)*vmdkSector >= size && h.GdOffset != vmdkGDAtEnd {
			break // qemu-img writes no end-of-stream marker: its grain directory, in the header, is checked below
		}
		marker, err := sector(at)
		if err != nil {
			return fmt.Errorf("the stream ends without an end-of-stream marker (%v)", err)
		}
		value, length := binary.LittleEndian.Uint64(marker), binary.LittleEndian.Uint32(marker[8:])
		if length > 0 { // a grain: its LBA, its compressed length, the data
			if value%h.GrainSize != 0 || value >= h.Capacity {
				return fmt.Errorf("the grain at sector %d has LBA %d, not a grain of a %d-sector disk", at, value, h.Capacity)
			}
			data := make([]byte, length)
			if _, err := r.ReadAt(data, int64(at)*vmdkSector+12); err != nil {
				return fmt.Errorf("the stream ends inside the grain at sector %d", at)
			}
			if err := inflatesWithin(data, int64(h.GrainSize)*vmdkSector); err != nil {
				return fmt.Errorf("the grain at sector %d (LBA %d) does not inflate: %v", at, value, err)
			}
			grains[value] = at
			at += (12 + uint64(length) + vmdkSector - 1) / vmdkSector
			continue
		}
		kind := binary.LittleEndian.Uint32(marker[12:])
		if kind == vmdkMarkerEOS {
			break
		}
		if kind > vmdkMarkerFooter {
			return fmt.Errorf("unknown marker type %d at sector %d", kind, at)
		}
		at += 1 + value
	}

	// The grain directory, where the header (or, for GD_AT_END, the footer) says, must lead to every grain.
	gdOffset := h.GdOffset
	if gdOffset == vmdkGDAtEnd {
		footer, err := sector(at - 1)
		if err != nil || at < 2 {
			return fmt.Errorf("the header says the grain directory is at the end, but there is no footer")
		}
		if marker, _ := sector(at - 2); binary.LittleEndian.Uint32(marker[12:]) != vmdkMarkerFooter || binary.LittleEndian.Uint32(marker[8:]) != 0 {
			return fmt.Errorf("the header says the grain directory is at the end, but no footer marker precedes the end of the stream")
		}
		f, err := parseVmdkHeader(footer)
		if err != nil {
			return fmt.Errorf("the footer is not a VMDK header: %v", err)
		}
		gdOffset = f.GdOffset
	}
	grainsTotal := (h.Capacity + h.GrainSize - 1) / h.GrainSize
	gts := (grainsTotal + uint64(h.NumGTEsPerGT) - 1) / uint64(h.NumGTEsPerGT)
	gd, err := readUint32s(r, size, gdOffset, gts)
	if err != nil {
		return fmt.Errorf("the grain directory at sector %d: %v", gdOffset, err)
	}
	found := 0
	for i, gtSector := range gd {
		if gtSector == 0 {
			continue
		}
		gt, err := readUint32s(r, size, uint64(gtSector), uint64(h.NumGTEsPerGT))
		if err != nil {
			return fmt.Errorf("grain table %d at sector %d: %v", i, gtSector, err)
		}
		for j, grainSector := range gt {
			if grainSector == 0 || grainSector == 1 { // unallocated, or zeroed
				continue
			}
			lba := (uint64(i)*uint64(h.NumGTEsPerGT) + uint64(j)) * h.GrainSize
			if grains[lba] != uint64(grainSector) {
				return fmt.Errorf("grain table %d entry %d points at sector %d, which holds no grain for LBA %d", i, j, grainSector, lba)
			}
			found++
		}
	}
	if found != len(grains) {
		return fmt.Errorf("the grain directory reaches %d of the stream's %d grains", found, len(grains))
	}
	return nil
}

func readUint32s(r io.ReaderAt, size int64, atSector, count uint64) ([]uint32, error) {
	if atSector == 0 || int64(atSector*vmdkSector+count*4) > size {
		return nil, fmt.Errorf("not within the file")
	}
	b := make([]byte, count*4)
	if _, err := r.ReadAt(b, int64(atSector*vmdkSector)); err != nil {
		return nil, fmt.Errorf("not within the file")
	}
	out := make([]uint32, count)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[i*4:])
	}
	return out, nil
}

func inflatesWithin(data []byte, limit int64) error {
	z, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	n, err := io.Copy(io.Discard, io.LimitReader(z, limit+1))
	if err != nil {
		return err
	}
	if n > limit {
		return errors.New("it inflates to more than a grain")
	}
	return z.Close()
}

// writeStreamOptimized writes disk (read to its end; its length rounded up to a sector) as a streamOptimized VMDK
// of capacity bytes, in VMware's layout. Grains of zeros are left out, as VMware does.
func writeStreamOptimized(w io.Writer, disk io.Reader, capacity int64, name string) error {
	grainBytes := int64(vmdkGrainSectors * vmdkSector)
	h := vmdkHeader{
		Magic: vmdkMagic, Version: 3, Flags: vmdkFlagNewline | vmdkFlagCompress | vmdkFlagMarkers,
		Capacity: uint64((capacity + vmdkSector - 1) / vmdkSector), GrainSize: vmdkGrainSectors,
		DescriptorOffset: 1, DescriptorSize: 20, NumGTEsPerGT: vmdkGTEntries, GdOffset: vmdkGDAtEnd, OverHead: 128,
		LineChars: [4]byte{'\n', ' ', '\r', '\n'}, CompressAlgo: vmdkDeflate,
	}
	h.Capacity = (h.Capacity + vmdkGrainSectors - 1) / vmdkGrainSectors * vmdkGrainSectors
	descriptor := fmt.Sprintf("# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"streamOptimized\"\n\n"+
		"# Extent description\nRW %d SPARSE \"%s\"\n\n# The Disk Data Base\n#DDB\n\nddb.adapterType = \"lsilogic\"\nddb.virtualHWVersion = \"13\"\n",
		h.Capacity, name)
	out := &sectorWriter{w: w}
	out.write(h.bytes())
	out.write([]byte(descriptor))
	out.padTo(h.OverHead)

	grainsTotal := h.Capacity / vmdkGrainSectors
	gts := make([][]uint32, (grainsTotal+vmdkGTEntries-1)/vmdkGTEntries)
	grain := make([]byte, grainBytes)
	for index := uint64(0); index < grainsTotal; index++ {
		n, err := io.ReadFull(disk, grain)
		if err == io.EOF {
			break
		}
		if err != nil && err != io.ErrUnexpectedEOF {
			return err
		}
		for i := n; i < len(grain); i++ {
			grain[i] = 0 // a short last grain is written whole: readers inflate every grain to its full size
		}
		if n > 0 && !allZero(grain) {
			var compressed bytes.Buffer
			z := zlib.NewWriter(&compressed)
			_, _ = z.Write(grain)
			_ = z.Close()
			if gts[index/vmdkGTEntries] == nil {
				gts[index/vmdkGTEntries] = make([]uint32, vmdkGTEntries)
			}
			gts[index/vmdkGTEntries][index%vmdkGTEntries] = uint32(out.sector)
			marker := make([]byte, 12)
			binary.LittleEndian.PutUint64(marker, index*vmdkGrainSectors)
			binary.LittleEndian.PutUint32(marker[8:], uint32(compressed.Len()))
			out.write(append(marker, compressed.Bytes()...))
		}
		if n < len(grain) {
			break
		}
	}
	if extra, _ := io.Copy(io.Discard, disk); extra > 0 {
		return fmt.Errorf("the disk's data is longer than its capacity of %d bytes", capacity)
	}
	gd := make([]uint32, len(gts))
	for i, gt := range gts {
		if gt == nil {
			continue
		}
		out.write(metadataMarker(vmdkGTEntries*4/vmdkSector, vmdkMarkerGT))
		gd[i] = uint32(out.sector)
		out.write(uint32Bytes(gt))
	}
	gdBytes := uint32Bytes(gd)
	out.write(metadataMarker(uint64((len(gdBytes)+vmdkSector-1)/vmdkSector), vmdkMarkerGD))
	footer := h
	footer.GdOffset = out.sector
	out.write(gdBytes)
	out.write(metadataMarker(1, vmdkMarkerFooter))
	out.write(footer.bytes())
	out.write(metadataMarker(0, vmdkMarkerEOS))
	return out.err
}

func metadataMarker(sectors uint64, kind uint32) []byte {
	b := make([]byte, vmdkSector)
	binary.LittleEndian.PutUint64(b, sectors)
	binary.LittleEndian.PutUint32(b[12:], kind)
	return b
}

func uint32Bytes(values []uint32) []byte {
	b := make([]byte, len(values)*4)
	for i, v := range values {
		binary.LittleEndian.PutUint32(b[i*4:], v)
	}
	return b
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// sectorWriter writes whole sectors (each write padded with zeros) and counts them; the first error sticks.
type sectorWriter struct {
	w      io.Writer
	sector uint64
	err    error
}

func (s *sectorWriter) write(b []byte) {
	if s.err != nil {
		return
	}
	padded := (len(b) + vmdkSector - 1) / vmdkSector * vmdkSector
	if _, s.err = s.w.Write(append(b, make([]byte, padded-len(b))...)); s.err == nil {
		s.sector += uint64(padded / vmdkSector)
	}
}

func (s *sectorWriter) padTo(sector uint64) {
	if sector > s.sector {
		s.write(make([]byte, (sector-s.sector)*vmdkSector))
	}
}
