package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func soapEnvelope(method string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"` +
		` xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<soapenv:Header><operationID>op-1</operationID></soapenv:Header><soapenv:Body>` + method + `</soapenv:Body></soapenv:Envelope>`
}

func reconfigure(spec string) string {
	return soapEnvelope(`<ReconfigVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-1</_this><spec>` + spec + `</spec></ReconfigVM_Task>`)
}

const diskChange = `<deviceChange><operation>add</operation><fileOperation>create</fileOperation>` +
	`<device xsi:type="VirtualDisk"><key>-1</key><backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName></fileName>` +
	`<diskMode>persistent</diskMode><thinProvisioned>true</thinProvisioned></backing><controllerKey>1000</controllerKey>` +
	`<unitNumber>1</unitNumber><capacityInKB>1024</capacityInKB></device></deviceChange>`

func TestStrictDecodingAcceptsWellFormedRequests(t *testing.T) {
	good := map[string]string{
		"config spec": reconfigure(`<name>web</name><numCPUs>2</numCPUs><memoryMB>2048</memoryMB>` + diskChange +
			`<extraConfig><key>a</key><value xsi:type="xsd:string">b</value></extraConfig>` +
			`<extraConfig><key>n</key><value xsi:type="xsd:int">3</value></extraConfig>`),
		"anyType reference": reconfigure(`<extraConfig><key>r</key><value xsi:type="ManagedObjectReference" type="HostSystem">host-1</value></extraConfig>`),
		"anyType array":     reconfigure(`<extraConfig><key>r</key><value xsi:type="ArrayOfString"><string>x</string><string>y</string></value></extraConfig>`),
		"other prefixes": strings.ReplaceAll(reconfigure(`<extraConfig><key>a</key><value i:type="xsd:string">b</value></extraConfig>`),
			`xmlns:xsi=`, `xmlns:i=`),
		"property collector": soapEnvelope(`<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>` +
			`<specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet><pathSet>config.hardware.device</pathSet></propSet>` +
			`<objectSet><obj type="Folder">group-d1</obj><skip>false</skip><selectSet xsi:type="TraversalSpec"><name>t</name>` +
			`<type>Folder</type><path>childEntity</path><skip>false</skip><selectSet><name>t</name></selectSet></selectSet></objectSet>` +
			`</specSet><options><maxObjects>100</maxObjects></options></RetrievePropertiesEx>`),
		"unknown method": soapEnvelope(`<NoSuchMethod xmlns="urn:vim25"><whatever/></NoSuchMethod>`),
	}
	for name, body := range good {
		if msg := strictDecodingFault([]byte(body)); msg != "" {
			t.Errorf("%s: refused: %s", name, msg)
		}
	}
}

func TestStrictDecodingRefusesWhatVCenterRefuses(t *testing.T) {
	bad := []struct {
		name, body string
		want       []string
	}{
		{"unknown element", reconfigure(`<name>web</name><colour>red</colour>`),
			[]string{`Unexpected element tag "colour" seen while parsing serialized DataObject of type VirtualMachineConfigSpec`,
				`while parsing property "spec" of static type VirtualMachineConfigSpec`,
				"while parsing call information for method ReconfigVM_Task", "while parsing SOAP body", "at line 1, column "}},
		{"out of order", reconfigure(`<memoryMB>2048</memoryMB><numCPUs>2</numCPUs>`),
			[]string{`Unexpected element tag "numCPUs" seen while parsing serialized DataObject of type VirtualMachineConfigSpec`}},
		{"single property repeated", reconfigure(`<name>a</name><name>b</name>`),
			[]string{`Unexpected element tag "name" seen`}},
		{"derived value without xsi:type", reconfigure(strings.Replace(diskChange, ` xsi:type="VirtualDisk"`, "", 1)),
			[]string{`Unexpected element tag "capacityInKB" seen while parsing serialized DataObject of type VirtualDevice`,
				`while parsing property "device" of static type VirtualDevice`,
				`while parsing property "deviceChange" of static type VirtualDeviceConfigSpec`}},
		{"nested backing without xsi:type", reconfigure(strings.Replace(diskChange, ` xsi:type="VirtualDiskFlatVer2BackingInfo"`, "", 1)),
			[]string{`Unexpected element tag "fileName" seen while parsing serialized DataObject of type VirtualDeviceBackingInfo`}},
		{"untyped anyType", reconfigure(`<extraConfig><key>a</key><value>b</value></extraConfig>`),
			[]string{"Unable to determine type of Any", `while parsing property "value" of static type anyType`,
				"while parsing serialized DataObject of type OptionValue"}},
		{"untyped reference in anyType", reconfigure(`<extraConfig><key>r</key><value type="HostSystem">host-1</value></extraConfig>`),
			[]string{"Unable to determine type of Any"}},
		{"parameters out of order", soapEnvelope(`<ReconfigVM_Task xmlns="urn:vim25"><spec><name>a</name></spec>` +
			`<_this type="VirtualMachine">vm-1</_this></ReconfigVM_Task>`),
			[]string{`Unexpected element tag "_this" seen while parsing call information for method ReconfigVM_Task`}},
		{"unknown parameter", soapEnvelope(`<PowerOnVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-1</_this><force>true</force></PowerOnVM_Task>`),
			[]string{`Unexpected element tag "force" seen while parsing call information for method PowerOnVM_Task`}},
		{"routed request type", soapEnvelope(`<ImportVApp xmlns="urn:vim25"><_this type="ResourcePool">resgroup-1</_this>` +
			`<spec xsi:type="VirtualMachineImportSpec"><configSpec><name>a</name><extraConfig><key>k</key><value>v</value></extraConfig></configSpec></spec></ImportVApp>`),
			[]string{"Unable to determine type of Any", "while parsing serialized DataObject of type VirtualMachineConfigSpec",
				`while parsing property "spec" of static type ImportSpec`, "method ImportVApp"}},
	}
	for _, b := range bad {
		msg := strictDecodingFault([]byte(b.body))
		if msg == "" {
			t.Errorf("%s: accepted", b.name)
			continue
		}
		for _, want := range b.want {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: fault string lacks %q:\n%s", b.name, want, msg)
			}
		}
	}
}

func TestStrictDecodingFaultOnTheWire(t *testing.T) {
	env := gxStart(t, false)
	vm := env.vm("DC0_H0_VM0").Reference().Value
	c := env.client.Client

	post := func(body string) (int, string) {
		req, err := http.NewRequest(http.MethodPost, c.URL().String(), strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "text/xml; charset=utf-8")
		req.Header.Set("SOAPAction", "urn:vim25/7.0")
		var status int
		var out []byte
		err = c.Do(env.ctx, req, func(res *http.Response) error {
			status = res.StatusCode
			out, err = io.ReadAll(res.Body)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return status, string(out)
	}
	withVM := func(body string) string { return strings.Replace(body, ">vm-1<", ">"+vm+"<", 1) }

	status, out := post(withVM(reconfigure(`<extraConfig><key>k</key><value xsi:type="xsd:string">v</value></extraConfig>`)))
	if status != http.StatusOK || !strings.Contains(out, "ReconfigVM_TaskResponse") {
		t.Fatalf("typed anyType: %d %s", status, out)
	}
	untyped := withVM(reconfigure(`<extraConfig><key>k</key><value>v</value></extraConfig>`))
	status, out = post(untyped)
	if status != http.StatusInternalServerError || !strings.Contains(out, `xsi:type="InvalidRequest"`) ||
		!strings.Contains(out, "<faultcode>ServerFaultCode</faultcode>") || !strings.Contains(out, "Unable to determine type of Any") {
		t.Fatalf("untyped anyType: %d %s", status, out)
	}

	strictDecoding = false
	defer func() { strictDecoding = true }()
	if status, out = post(untyped); status != http.StatusOK {
		t.Fatalf("with the check off: %d %s", status, out)
	}
}

// BenchmarkStrictDecoding measures the check on a small property read and on a reconfiguration with 1,000 devices.
func BenchmarkStrictDecoding(b *testing.B) {
	small := []byte(soapEnvelope(`<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>` +
		`<specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet></propSet><objectSet><obj type="VirtualMachine">vm-1</obj></objectSet>` +
		`</specSet><options><maxObjects>100</maxObjects></options></RetrievePropertiesEx>`))
	large := []byte(reconfigure(strings.Repeat(diskChange, 1000)))
	for _, c := range []struct {
		name string
		body []byte
	}{{"small", small}, {"1000-devices", large}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			for i := 0; i < b.N; i++ {
				if msg := strictDecodingFault(c.body); msg != "" {
					b.Fatal(msg)
				}
			}
		})
	}
}
