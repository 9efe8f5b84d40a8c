package main

import (
	"strings"
	"testing"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/types"
)

func TestDatastorePathsCannotLeaveTheDatastore(t *testing.T) {
	env := gxStart(t, false)
	ds, err := env.finder.Datastore(env.ctx, "LocalDS_0")
	if err != nil {
		t.Fatal(err)
	}
	browser, err := ds.Browser(env.ctx)
	if err != nil {
		t.Fatal(err)
	}
	search := func(p string) error {
		task, err := browser.SearchDatastore(env.ctx, p, &types.HostDatastoreBrowserSearchSpec{MatchPattern: []string{"*"}})
		if err == nil {
			_, err = task.WaitForResult(env.ctx, nil)
		}
		return err
	}
	for _, p := range []string{"[LocalDS_0] ../../../../etc", "[LocalDS_0] ..", "[LocalDS_0] a/../../x", "[LocalDS_0] /../etc"} {
		err := search(p)
		if err == nil || !strings.Contains(err.Error(), "leaves the datastore") {
			t.Errorf("SearchDatastore %q: want InvalidDatastorePath, got %v", p, err)
		}
	}
	for _, p := range []string{"[LocalDS_0]", "[LocalDS_0] DC0_H0_VM0", "[LocalDS_0] DC0_H0_VM0/../DC0_H0_VM1"} {
		if err := search(p); err != nil {
			t.Errorf("SearchDatastore %q: %v", p, err)
		}
	}

	dc, err := env.finder.DefaultDatacenter(env.ctx)
	if err != nil {
		t.Fatal(err)
	}
	fm := object.NewFileManager(env.client.Client)
	if err := fm.MakeDirectory(env.ctx, "[LocalDS_0] ../escaped", dc, true); err == nil || !strings.Contains(err.Error(), "leaves the datastore") {
		t.Errorf("MakeDirectory outside the datastore: want InvalidDatastorePath, got %v", err)
	}
	task, err := fm.DeleteDatastoreFile(env.ctx, "[LocalDS_0] ../../x", dc)
	if err == nil {
		err = task.Wait(env.ctx)
	}
	if err == nil || !strings.Contains(err.Error(), "leaves the datastore") {
		t.Errorf("DeleteDatastoreFile outside the datastore: want InvalidDatastorePath, got %v", err)
	}
	task, err = fm.CopyDatastoreFile(env.ctx, "[LocalDS_0] DC0_H0_VM0/vmware.log", dc, "[LocalDS_0] ../../copied.log", dc, false)
	if err == nil {
		err = task.Wait(env.ctx)
	}
	if err == nil || !strings.Contains(err.Error(), "leaves the datastore") {
		t.Errorf("CopyDatastoreFile outside the datastore: want InvalidDatastorePath, got %v", err)
	}
}
