package main

import (
	"github.com/vmware/govmomi/simulator"
)

// extension adds vSphere behaviour that the stock simulator lacks to a created model, before its server starts.
type extension func(model *simulator.Model)

// extensions is filled by the init functions of the files that implement each extension.
var extensions []extension

func registerExtensions(model *simulator.Model) {
	for _, extend := range extensions {
		extend(model)
	}
}

func certificateSHA256(server *simulator.Server) string {
	return vsphereThumbprint(sha256Sum(server.Certificate().Raw))
}
