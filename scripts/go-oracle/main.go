// go-oracle renders confd templates with Go's own text/template, to compare Switchboard's output with Go's byte
// for byte (Tests/IntegrationTests/GoDifferentialTests.swift, scripts/difftest).
//
// Batch mode: one JSON request on stdin, one JSON answer on stdout, so thousands of cases cost one process start.
//
//	request: {"cases": [{"template": BASE64, "keys": [BASE64...], "values": [BASE64...]}]}
//	answer:  {"results": [{"output": BASE64, "failed": BOOL, "error": "..."}]}
//
// One case from the command line, to record a regression case's output (Tests/CoreTests/GoRecordedTests.swift):
//
//	go run ./scripts/go-oracle -t '{{getv "/a"}}' /a=1 /b=2
//
// prints the output, or "ERROR: " and Go's message with exit status 1.
//
// Keys, values and templates are bytes (base64 in JSON), as Go strings are. The template is parsed and executed as
// confd does it: a template named after the file, confd's function map, nil data. The functions are ours, written
// from confd's documented behaviour for the test's store, with Switchboard's deliberate fixes (README, "Differences
// from confd"): reverse, sortByLength and sortKVByLength return new slices and the sorts are stable; `ls "/"` and
// `lsdir "/"` list the real children of the root.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"switchboard/go-oracle/memkv"
)

type request struct {
	Cases []testCase `json:"cases"`
}

type testCase struct {
	Name     string   `json:"name"`
	Template []byte   `json:"template"`
	Keys     [][]byte `json:"keys"`
	Values   [][]byte `json:"values"`
}

type result struct {
	Output []byte `json:"output"`
	Failed bool   `json:"failed"`
	Error  string `json:"error,omitempty"`
}

type answer struct {
	Results []result `json:"results"`
}

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-t" {
		os.Exit(renderOne(os.Args[2], os.Args[3:]))
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-oracle: reading the request:", err)
		os.Exit(2)
	}
	var req request
	if err := json.Unmarshal(input, &req); err != nil {
		fmt.Fprintln(os.Stderr, "go-oracle: the request is not valid JSON:", err)
		os.Exit(2)
	}
	out := answer{Results: make([]result, 0, len(req.Cases))}
	for i, c := range req.Cases {
		if len(c.Keys) != len(c.Values) {
			fmt.Fprintf(os.Stderr, "go-oracle: case %d has %d keys and %d values\n", i, len(c.Keys), len(c.Values))
			os.Exit(2)
		}
		out.Results = append(out.Results, render(c))
	}
	encoded, err := json.Marshal(out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-oracle: encoding the answer:", err)
		os.Exit(2)
	}
	os.Stdout.Write(encoded)
}

func renderOne(source string, pairs []string) int {
	c := testCase{Template: []byte(source)}
	for _, pair := range pairs {
		k, v, _ := strings.Cut(pair, "=")
		c.Keys = append(c.Keys, []byte(k))
		c.Values = append(c.Values, []byte(v))
	}
	res := render(c)
	os.Stdout.Write(res.Output)
	if res.Failed {
		fmt.Println("\nERROR:", res.Error)
		return 1
	}
	return 0
}

// render parses and executes one case the way confd does; a panic is reported as a failure, not a crash of the batch.
func render(c testCase) (res result) {
	defer func() {
		if p := recover(); p != nil {
			res = result{Failed: true, Error: fmt.Sprint("panic: ", p)}
		}
	}()
	name := c.Name
	if name == "" {
		name = "t.tmpl"
	}
	s := newStore(c.Keys, c.Values)
	tmpl, err := template.New(name).Funcs(funcMap(s)).Parse(string(c.Template))
	if err != nil {
		return result{Failed: true, Error: err.Error()}
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, nil); err != nil {
		return result{Output: buf.Bytes(), Failed: true, Error: err.Error()}
	}
	return result{Output: buf.Bytes()}
}

// store is the test's key/value data, keys in byte order.
type store struct {
	keys  []string
	value map[string]string
}

func newStore(keys, values [][]byte) *store {
	s := &store{value: make(map[string]string, len(keys))}
	for i, k := range keys {
		if _, seen := s.value[string(k)]; !seen {
			s.keys = append(s.keys, string(k))
		}
		s.value[string(k)] = string(values[i])
	}
	sort.Strings(s.keys)
	return s
}

func (s *store) exists(key string) bool {
	_, ok := s.value[key]
	return ok
}

func (s *store) get(key string) (memkv.KVPair, error) {
	v, ok := s.value[key]
	if !ok {
		return memkv.KVPair{}, fmt.Errorf("key does not exist: %s", key)
	}
	return memkv.KVPair{Key: key, Value: v}, nil
}

func (s *store) getv(key string, defaults ...string) (string, error) {
	if v, ok := s.value[key]; ok {
		return v, nil
	}
	if len(defaults) > 0 {
		return defaults[0], nil
	}
	return "", fmt.Errorf("key does not exist: %s", key)
}

// gets: the pairs whose key matches the path.Match pattern, in key order; a malformed pattern fails as soon as
// a key is tested against it.
func (s *store) gets(pattern string) (memkv.KVPairs, error) {
	found := memkv.KVPairs{}
	for _, k := range s.keys {
		ok, err := path.Match(pattern, k)
		if err != nil {
			return nil, err
		}
		if ok {
			found = append(found, memkv.KVPair{Key: k, Value: s.value[k]})
		}
	}
	return found, nil
}

// getvs: the values of gets, sorted by value.
func (s *store) getvs(pattern string) ([]string, error) {
	pairs, err := s.gets(pattern)
	if err != nil {
		return nil, err
	}
	values := make([]string, 0, len(pairs))
	for _, p := range pairs {
		values = append(values, p.Value)
	}
	sort.Strings(values)
	return values, nil
}

// segments splits a cleaned path at "/"; the root is a single empty segment, so that its children are found
// (confd's own split gives the root two segments and finds only top-level leaves: a bug Switchboard fixes).
func segments(p string) []string {
	cleaned := path.Clean(p)
	if cleaned == "/" {
		return []string{""}
	}
	return strings.Split(cleaned, "/")
}

func startsWith(whole, prefix []string) bool {
	if len(whole) < len(prefix) {
		return false
	}
	for i := range prefix {
		if whole[i] != prefix[i] {
			return false
		}
	}
	return true
}

func sortedNames(set map[string]bool) []string {
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ls: the names of the direct children of dir, and dir's own name when it is a key itself.
func (s *store) ls(dir string) []string {
	want := segments(dir)
	names := map[string]bool{}
	for _, k := range s.keys {
		if k == dir {
			names[path.Base(k)] = true
			continue
		}
		if !startsWith(segments(path.Dir(k)), want) {
			continue
		}
		rest := strings.TrimPrefix(strings.TrimPrefix(k, dir), "/")
		names[strings.SplitN(rest, "/", 2)[0]] = true
	}
	return sortedNames(names)
}

// lsdir: the names of the children of dir that hold deeper keys.
func (s *store) lsdir(dir string) []string {
	want := segments(dir)
	names := map[string]bool{}
	for _, k := range s.keys {
		if !strings.HasPrefix(k, dir) {
			continue
		}
		parent := segments(path.Dir(k))
		if startsWith(parent, want) && len(parent) > len(want) {
			names[parent[len(want)]] = true
		}
	}
	return sortedNames(names)
}

func funcMap(s *store) template.FuncMap {
	return template.FuncMap{
		// Store functions.
		"exists": s.exists,
		"get":    s.get,
		"gets":   s.gets,
		"getv":   s.getv,
		"getvs":  s.getvs,
		"ls":     s.ls,
		"lsdir":  s.lsdir,
		// confd's helpers: the standard library where confd uses it directly.
		"base":           path.Base,
		"dir":            path.Dir,
		"split":          strings.Split,
		"join":           strings.Join,
		"toUpper":        strings.ToUpper,
		"toLower":        strings.ToLower,
		"contains":       strings.Contains,
		"replace":        strings.Replace,
		"trimSuffix":     strings.TrimSuffix,
		"parseBool":      strconv.ParseBool,
		"atoi":           strconv.Atoi,
		"datetime":       time.Now,
		"json":           jsonObject,
		"jsonArray":      jsonArray,
		"map":            makeMap,
		"getenv":         getenv,
		"fileExists":     fileExists,
		"base64Encode":   func(data string) string { return base64.StdEncoding.EncodeToString([]byte(data)) },
		"base64Decode":   base64Decode,
		"reverse":        reverse,
		"sortByLength":   sortByLength,
		"sortKVByLength": sortKVByLength,
		"add":            func(a, b int) int { return a + b },
		"sub":            func(a, b int) int { return a - b },
		"mul":            func(a, b int) int { return a * b },
		"div":            func(a, b int) int { return a / b },
		"mod":            func(a, b int) int { return a % b },
		"seq":            seq,
		"lookupIP":       func(name string) []string { return lookupIP(name, func(net.IP) bool { return true }) },
		"lookupIPV4":     func(name string) []string { return lookupIP(name, func(ip net.IP) bool { return ip.To4() != nil }) },
		"lookupIPV6":     func(name string) []string { return lookupIP(name, func(ip net.IP) bool { return ip.To4() == nil }) },
		"lookupSRV":      lookupSRV,
	}
}

func jsonObject(data string) (map[string]interface{}, error) {
	var m map[string]interface{}
	err := json.Unmarshal([]byte(data), &m)
	return m, err
}

func jsonArray(data string) ([]interface{}, error) {
	var a []interface{}
	err := json.Unmarshal([]byte(data), &a)
	return a, err
}

// makeMap: map "k1" v1 "k2" v2 ...
func makeMap(pairs ...interface{}) (map[string]interface{}, error) {
	if len(pairs)%2 == 1 {
		return nil, errors.New("invalid map call")
	}
	m := make(map[string]interface{}, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, errors.New("map keys must be strings")
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}

// getenv: an empty variable counts as unset, and the first default (if any) stands in for it.
func getenv(name string, defaults ...string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	if len(defaults) > 0 {
		return defaults[0]
	}
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func base64Decode(data string) (string, error) {
	decoded, err := base64.StdEncoding.DecodeString(data)
	return string(decoded), err
}

// reverse returns a reversed copy of a []string or a []memkv.KVPair and anything else as it is. The type switch
// is confd's: `memkv.KVPairs` (what gets returns) is another type than `[]memkv.KVPair`, so it comes back as it is.
func reverse(values interface{}) interface{} {
	switch v := values.(type) {
	case []string:
		out := make([]string, len(v))
		for i, x := range v {
			out[len(v)-1-i] = x
		}
		return out
	case []memkv.KVPair:
		out := make([]memkv.KVPair, len(v))
		for i, x := range v {
			out[len(v)-1-i] = x
		}
		return out
	}
	return values
}

func sortByLength(values []string) []string {
	out := append([]string(nil), values...)
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) < len(out[j]) })
	return out
}

func sortKVByLength(values []memkv.KVPair) []memkv.KVPair {
	out := append([]memkv.KVPair(nil), values...)
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Key) < len(out[j].Key) })
	return out
}

func seq(first, last int) []int {
	var out []int
	for i := first; i <= last; i++ {
		out = append(out, i)
	}
	return out
}

func lookupIP(name string, keep func(net.IP) bool) []string {
	ips, err := net.LookupIP(name)
	if err != nil {
		return nil
	}
	var out []string
	for _, ip := range ips {
		if keep(ip) {
			out = append(out, ip.String())
		}
	}
	sort.Strings(out)
	return out
}

func lookupSRV(service, proto, name string) []*net.SRV {
	_, records, err := net.LookupSRV(service, proto, name)
	if err != nil {
		return []*net.SRV{}
	}
	return records
}
