package main

// Request checks run on the raw body of every vim25 SOAP request, before the router or the stock handler decodes
// it, and answer with the fault vCenter gives instead of serving the call. strict_decoding.go and property_paths.go
// register theirs in init.

import (
	"github.com/vmware/govmomi/vim25/soap"
)

// requestCheck returns a fault response for a request vCenter refuses, or nil. method is the local name of the
// body's first element.
type requestCheck func(method string, body []byte) soap.HasFault

var requestChecks []requestCheck

// checkRequest runs the registered checks in order and returns the first fault.
func checkRequest(body []byte) soap.HasFault {
	if len(requestChecks) == 0 {
		return nil
	}
	method := soapMethodName(body)
	if method == "" {
		return nil
	}
	for _, check := range requestChecks {
		if res := check(method, body); res != nil {
			return res
		}
	}
	return nil
}
