package main

import (
	"testing"

	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

func TestPropertyPathsAreCheckedAgainstDeclaredTypes(t *testing.T) {
	cases := []struct {
		typ, path string
		valid     bool
	}{
		{"VirtualMachine", "name", true},
		{"VirtualMachine", "config.hardware.device", true},
		{"VirtualMachine", "summary.runtime.powerState", true},
		{"VirtualMachine", "runtime.host", true},
		{"VirtualMachine", "parent", true}, // ManagedEntity's, through the embedded base
		{"ManagedEntity", "name", true},    // an abstract spec type
		{"Network", "summary.name", true},  // a member of the declared NetworkSummary
		{"ClusterComputeResource", "configuration.drsConfig.enabled", true},
		{"ClusterComputeResource", "configurationEx", true},
		{"VirtualMachine", "config.hardware.device.backing", false}, // through an array
		{"VirtualMachine", "name.length", false},                    // through a primitive
		{"VirtualMachine", "config.nosuch", false},
		{"VirtualMachine", "nosuch", false},
		{"Network", "summary.opaqueNetworkId", false},                           // only OpaqueNetworkSummary has it
		{"OpaqueNetwork", "summary.opaqueNetworkId", false},                     // summary is still declared NetworkSummary
		{"DistributedVirtualPortgroup", "config.defaultPortConfig.vlan", false}, // VMwareDVSPortSetting's
		{"ClusterComputeResource", "configurationEx.drsConfig", false},          // ClusterConfigInfoEx's
		{"VirtualMachine", "config.extraConfig.value", false},                   // array, then anyType
		{"HostSystem", "config.network.vnic", true},
	}
	for _, c := range cases {
		typ, ok := managedObjectType(c.typ)
		if !ok {
			t.Fatalf("type %s not known", c.typ)
		}
		if got := validPropertyPath(typ, c.path); got != c.valid {
			t.Errorf("%s %s: valid = %v, want %v", c.typ, c.path, got, c.valid)
		}
	}
	if _, ok := managedObjectType("NoSuchType"); ok {
		t.Error("an unknown managed object type resolved")
	}
}

func TestRetrievePropertiesFailsWithInvalidPropertyNamingThePath(t *testing.T) {
	env := gxStart(t, false)
	c := env.client.Client
	vm := env.vm("DC0_H0_VM0")
	dvpg, err := env.finder.Network(env.ctx, "DC0_DVPG0")
	if err != nil {
		t.Fatal(err)
	}
	spec := func(typ string, obj types.ManagedObjectReference, paths ...string) types.PropertyFilterSpec {
		return types.PropertyFilterSpec{
			ObjectSet: []types.ObjectSpec{{Obj: obj}},
			PropSet:   []types.PropertySpec{{Type: typ, PathSet: paths}},
		}
	}
	pc := c.ServiceContent.PropertyCollector

	// A valid read still works, and a valid but unset property is left out (no missingSet).
	res, err := methods.RetrievePropertiesEx(env.ctx, c, &types.RetrievePropertiesEx{This: pc,
		SpecSet: []types.PropertyFilterSpec{spec("VirtualMachine", vm.Reference(), "name", "config.hardware.device", "snapshot")}})
	if err != nil {
		t.Fatalf("valid paths: %v", err)
	}
	if o := res.Returnval.Objects[0]; len(o.MissingSet) != 0 || len(o.PropSet) != 2 {
		t.Fatalf("valid paths: propSet %d, missingSet %v", len(o.PropSet), o.MissingSet)
	}

	bad := []struct {
		typ  string
		obj  types.ManagedObjectReference
		good []string
		path string
	}{
		{"VirtualMachine", vm.Reference(), []string{"name"}, "config.hardware.device.backing"},
		{"VirtualMachine", vm.Reference(), []string{"name"}, "config.nosuch"},
		{"DistributedVirtualPortgroup", dvpg.Reference(), []string{"name"}, "config.defaultPortConfig.vlan"},
	}
	for _, b := range bad {
		paths := append(b.good, b.path)
		_, err := methods.RetrievePropertiesEx(env.ctx, c, &types.RetrievePropertiesEx{This: pc,
			SpecSet: []types.PropertyFilterSpec{spec(b.typ, b.obj, paths...)}})
		f := gxExpectFault(t, "RetrievePropertiesEx "+b.path, err, &types.InvalidProperty{})
		if name := f.(*types.InvalidProperty).Name; name != b.path {
			t.Errorf("RetrievePropertiesEx %s: fault names %q", b.path, name)
		}

		_, err = methods.RetrieveProperties(env.ctx, c, &types.RetrieveProperties{This: pc,
			SpecSet: []types.PropertyFilterSpec{spec(b.typ, b.obj, paths...)}})
		gxExpectFault(t, "RetrieveProperties "+b.path, err, &types.InvalidProperty{})

		_, err = methods.CreateFilter(env.ctx, c, &types.CreateFilter{This: pc, Spec: spec(b.typ, b.obj, paths...)})
		gxExpectFault(t, "CreateFilter "+b.path, err, &types.InvalidProperty{})
	}

	// govmomi's own reads are unaffected.
	var moVM mo.VirtualMachine
	if err := property.DefaultCollector(c).RetrieveOne(env.ctx, vm.Reference(), []string{"name", "runtime.powerState"}, &moVM); err != nil {
		t.Fatalf("govmomi read: %v", err)
	}

	checkPropertyPaths = false
	defer func() { checkPropertyPaths = true }()
	if _, err := methods.RetrievePropertiesEx(env.ctx, c, &types.RetrievePropertiesEx{This: pc,
		SpecSet: []types.PropertyFilterSpec{spec("VirtualMachine", vm.Reference(), "name", "config.nosuch")}}); err != nil {
		t.Fatalf("with the check off: %v", err)
	}
}
