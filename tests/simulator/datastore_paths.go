package main

// Datastore paths stay inside their datastore, as in vCenter. The stock simulator maps "[ds] path" to
// filepath.Join(<the datastore's temporary directory>, path), so "[LocalDS_0] ../../../../etc" reached the
// simulator host's /etc. The routes below answer, before the stock implementation runs, every method that takes a
// datastore path: HostDatastoreBrowser.SearchDatastore_Task and SearchDatastoreSubFolders_Task, FileManager's
// DeleteDatastoreFile_Task, MakeDirectory, MoveDatastoreFile_Task and CopyDatastoreFile_Task. A path whose ".."
// parts climb above the datastore's root is refused with InvalidDatastorePath (naming the path); anything else goes
// to the stock implementation unchanged. The /folder HTTP endpoint needs no route: Go's ServeMux redirects a URL
// with ".." parts to its cleaned form, which no longer starts with /folder.

import (
	"fmt"
	"path"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func init() {
	routeMethods("HostDatastoreBrowser", datastoreBrowserRoutes{})
	routeMethods("FileManager", fileManagerRoutes{})
}

// datastorePathEscapes returns a fault when a datastore path climbs above its datastore's root, else nil.
func datastorePathEscapes(datastorePath string) *soap.Fault {
	var p object.DatastorePath
	if !p.FromString(datastorePath) {
		return nil // the stock implementation reports the malformed path
	}
	// The stock implementation joins the path to the datastore's directory the same way.
	if joined := path.Join("/datastore", p.Path); joined != "/datastore" && !strings.HasPrefix(joined, "/datastore/") {
		return fault(fmt.Sprintf("Invalid datastore path '%s': it leaves the datastore.", datastorePath),
			&types.InvalidDatastorePath{DatastorePath: datastorePath})
	}
	return nil
}

type datastoreBrowserRoutes struct{}

func (datastoreBrowserRoutes) SearchDatastoreTask(req *types.SearchDatastore_Task) soap.HasFault {
	if f := datastorePathEscapes(req.DatastorePath); f != nil {
		return &methods.SearchDatastore_TaskBody{Fault_: f}
	}
	return nil
}

func (datastoreBrowserRoutes) SearchDatastoreSubFoldersTask(req *types.SearchDatastoreSubFolders_Task) soap.HasFault {
	if f := datastorePathEscapes(req.DatastorePath); f != nil {
		return &methods.SearchDatastoreSubFolders_TaskBody{Fault_: f}
	}
	return nil
}

type fileManagerRoutes struct{}

func (fileManagerRoutes) DeleteDatastoreFileTask(req *types.DeleteDatastoreFile_Task) soap.HasFault {
	if f := firstFault(datastorePathEscapes(req.Name), screenshotUndeletable(req.Name)); f != nil {
		return &methods.DeleteDatastoreFile_TaskBody{Fault_: f}
	}
	return nil
}

func (fileManagerRoutes) MakeDirectory(req *types.MakeDirectory) soap.HasFault {
	if f := datastorePathEscapes(req.Name); f != nil {
		return &methods.MakeDirectoryBody{Fault_: f}
	}
	return nil
}

func (fileManagerRoutes) MoveDatastoreFileTask(req *types.MoveDatastoreFile_Task) soap.HasFault {
	if f := firstEscape(req.SourceName, req.DestinationName); f != nil {
		return &methods.MoveDatastoreFile_TaskBody{Fault_: f}
	}
	return nil
}

func (fileManagerRoutes) CopyDatastoreFileTask(req *types.CopyDatastoreFile_Task) soap.HasFault {
	if f := firstEscape(req.SourceName, req.DestinationName); f != nil {
		return &methods.CopyDatastoreFile_TaskBody{Fault_: f}
	}
	return nil
}

func firstEscape(source, destination string) *soap.Fault {
	return firstFault(datastorePathEscapes(source), datastorePathEscapes(destination))
}

func firstFault(faults ...*soap.Fault) *soap.Fault {
	for _, f := range faults {
		if f != nil {
			return f
		}
	}
	return nil
}
