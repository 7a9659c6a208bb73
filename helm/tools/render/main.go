// Command render renders a Helm chart the way `helm template` does, without Helm.
//
// Helm's template language is Go's text/template plus the sprig function library plus a few
// functions and objects Helm adds. This program implements the additions the Mosaic chart
// uses, with Helm's semantics:
//
//   - functions: include, tpl, required, toYaml, fromYaml, fromYamlArray, toJson, fromJson,
//     fromJsonArray, lookup (always empty, as in `helm template`); sprig minus env/expandenv
//   - objects: .Values (values.yaml coalesced with every -f file, in order; null deletes a key),
//     .Release, .Chart, .Template, .Capabilities (KubeVersion, APIVersions.Has),
//     .Files (Get, GetBytes, Glob, AsConfig, AsSecrets, Lines)
//   - missingkey=zero and "<no value>" removed from the output, as Helm does
//
// It prints every rendered template (not partials `_*`, not NOTES.txt) as one multi-document
// YAML stream with `# Source:` comments, like `helm template`. With --notes it prints the
// rendered NOTES.txt instead; with --show-values, the coalesced values as JSON (what Helm
// validates against values.schema.json).
//
// Build (offline, Debian packages golang-go, golang-github-masterminds-sprig-dev,
// golang-github-ghodss-yaml-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o render helm/tools/render/main.go
//
// Usage:
//
//	render [--name R] [--namespace N] [-f values.yaml]... [--api-versions G/V]... [--notes|--show-values] CHART_DIR
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"github.com/ghodss/yaml"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// ---------------------------------------------------------------- .Files

// Files are the chart's non-template files, by path relative to the chart root (Helm's chart.Files).
type Files map[string][]byte

// Get returns a file's content as a string ("" when missing).
func (f Files) Get(name string) string { return string(f[name]) }

// GetBytes returns a file's content.
func (f Files) GetBytes(name string) []byte { return f[name] }

// Glob returns the files whose path matches pattern ('*' does not cross '/').
func (f Files) Glob(pattern string) Files {
	out := Files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}

// AsConfig renders the files as the data of a ConfigMap: base name -> content, as YAML.
func (f Files) AsConfig() string {
	if len(f) == 0 {
		return ""
	}
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = string(data)
	}
	return toYAML(m)
}

// AsSecrets renders the files as the data of a Secret: base name -> base64(content), as YAML.
func (f Files) AsSecrets() string {
	if len(f) == 0 {
		return ""
	}
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = base64.StdEncoding.EncodeToString(data)
	}
	return toYAML(m)
}

// Lines returns a file's lines.
func (f Files) Lines(name string) []string {
	data, ok := f[name]
	if !ok || len(data) == 0 {
		return []string{}
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// ---------------------------------------------------------------- .Capabilities

// VersionSet is the set of API versions the target cluster serves.
type VersionSet []string

// Has tells whether "group/version" or "group/version/Kind" is served.
func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// KubeVersion mirrors Helm's .Capabilities.KubeVersion.
type KubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

func (k KubeVersion) String() string { return k.Version }

// Capabilities mirrors Helm's .Capabilities.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
}

// The API versions of a plain cluster (what `helm template` assumes without a cluster).
var defaultAPIVersions = []string{
	"v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v1", "autoscaling/v2",
	"networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "apiextensions.k8s.io/v1",
	"admissionregistration.k8s.io/v1", "storage.k8s.io/v1", "coordination.k8s.io/v1",
	"discovery.k8s.io/v1", "events.k8s.io/v1", "scheduling.k8s.io/v1", "node.k8s.io/v1",
}

// ---------------------------------------------------------------- YAML / JSON helpers

// toYAML is Helm's toYaml: sigs.k8s.io/yaml (JSON tags, sorted keys), trailing newline trimmed.
func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func mustToYAML(v interface{}) (string, error) {
	data, err := yaml.Marshal(v)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(string(data), "\n"), nil
}

// fromYAML is Helm's fromYaml: a map, or {"Error": message} when the text is not a YAML map.
func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromYAMLArray(s string) []interface{} {
	a := []interface{}{}
	if err := yaml.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(s string) []interface{} {
	a := []interface{}{}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

// ---------------------------------------------------------------- values

func readYAMLMap(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if m == nil {
		m = map[string]interface{}{}
	}
	return m, nil
}

// coalesce merges src over dst the way Helm coalesces user values over chart defaults:
// maps merge key by key, anything else replaces, and a null removes the key.
func coalesce(dst, src map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range dst {
		out[k] = v
	}
	for k, v := range src {
		if v == nil {
			delete(out, k)
			continue
		}
		srcMap, srcIsMap := v.(map[string]interface{})
		dstMap, dstIsMap := out[k].(map[string]interface{})
		if srcIsMap && dstIsMap {
			out[k] = coalesce(dstMap, srcMap)
		} else {
			out[k] = v
		}
	}
	return out
}

// ---------------------------------------------------------------- chart loading

type chart struct {
	dir       string
	metadata  map[string]interface{}
	values    map[string]interface{}
	templates map[string]string // template name (<chart>/templates/<file>) -> text
	files     Files
}

func loadChart(dir string) (*chart, error) {
	meta, err := readYAMLMap(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("Chart.yaml: %w", err)
	}
	name, _ := meta["name"].(string)
	if name == "" {
		return nil, errors.New("Chart.yaml has no name")
	}
	values := map[string]interface{}{}
	if _, err := os.Stat(filepath.Join(dir, "values.yaml")); err == nil {
		if values, err = readYAMLMap(filepath.Join(dir, "values.yaml")); err != nil {
			return nil, err
		}
	}
	c := &chart{dir: dir, metadata: meta, values: values, templates: map[string]string{}, files: Files{}}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, walkErr error) error {
		if walkErr != nil {
			return walkErr
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "charts" {
				return fs.SkipDir // subcharts: not used by this chart
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(rel, "templates/"):
			c.templates[name+"/"+rel] = string(data)
		case rel == "Chart.yaml" || rel == "values.yaml" || rel == "values.schema.json" || rel == ".helmignore":
		default:
			c.files[rel] = data
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// chartObject is .Chart: Helm exposes Chart.yaml's fields with Go names (Name, Version, AppVersion, ...).
func chartObject(meta map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range meta {
		key := strings.ToUpper(k[:1]) + k[1:]
		if k == "apiVersion" {
			key = "APIVersion"
		}
		out[key] = v
	}
	return out
}

// ---------------------------------------------------------------- rendering

type renderer struct {
	tmpl          *template.Template
	includeDepth  int
	maxIncludeDep int
}

func (r *renderer) funcMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["toYaml"] = toYAML
	f["mustToYaml"] = mustToYAML
	f["fromYaml"] = fromYAML
	f["fromYamlArray"] = fromYAMLArray
	f["toJson"] = toJSON
	f["mustToJson"] = func(v interface{}) (string, error) {
		data, err := json.Marshal(v)
		return string(data), err
	}
	f["fromJson"] = fromJSON
	f["fromJsonArray"] = fromJSONArray
	f["required"] = func(message string, v interface{}) (interface{}, error) {
		if v == nil {
			return v, errors.New(message)
		}
		if s, ok := v.(string); ok && s == "" {
			return v, errors.New(message)
		}
		return v, nil
	}
	f["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil // `helm template` has no cluster to look in
	}
	f["include"] = func(name string, data interface{}) (string, error) {
		if r.includeDepth >= r.maxIncludeDep {
			return "", fmt.Errorf("rendering template has a nested reference name: %s: include depth exceeded", name)
		}
		r.includeDepth++
		defer func() { r.includeDepth-- }()
		var buf bytes.Buffer
		if err := r.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := r.tmpl.Clone()
		if err != nil {
			return "", err
		}
		t, err := clone.New("tpl").Option("missingkey=zero").Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", fmt.Errorf("error calling tpl: %w", err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	return f
}

func main() {
	var valueFiles, apiVersions stringList
	name := flag.String("name", "mosaic", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kubeVersion := flag.String("kube-version", "v1.30.0", "Kubernetes version of .Capabilities.KubeVersion")
	notes := flag.Bool("notes", false, "print the rendered NOTES.txt instead of the manifests")
	showValues := flag.Bool("show-values", false, "print the coalesced values as JSON and exit")
	flag.Var(&valueFiles, "f", "values file (repeatable; later files win)")
	flag.Var(&valueFiles, "values", "values file (repeatable; later files win)")
	flag.Var(&apiVersions, "api-versions", "extra API version the cluster serves, e.g. monitoring.coreos.com/v1 (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: render [--name R] [--namespace N] [-f values.yaml]... [--api-versions G/V]... [--notes|--show-values] CHART_DIR")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *name, *namespace, *kubeVersion, valueFiles, apiVersions, *notes, *showValues); err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
}

func run(dir, name, namespace, kubeVersion string, valueFiles, apiVersions []string, notes, showValues bool) error {
	c, err := loadChart(dir)
	if err != nil {
		return err
	}
	values := c.values
	for _, file := range valueFiles {
		override, err := readYAMLMap(file)
		if err != nil {
			return err
		}
		values = coalesce(values, override)
	}
	if showValues {
		data, err := json.MarshalIndent(values, "", "  ")
		if err != nil {
			return err
		}
		fmt.Println(string(data))
		return nil
	}

	major, minor := "1", "30"
	if parts := strings.SplitN(strings.TrimPrefix(kubeVersion, "v"), ".", 3); len(parts) >= 2 {
		major, minor = parts[0], parts[1]
	}
	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": name, "Namespace": namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Chart": chartObject(c.metadata),
		"Files": c.files,
		"Capabilities": Capabilities{
			KubeVersion: KubeVersion{Version: kubeVersion, Major: major, Minor: minor, GitVersion: kubeVersion},
			APIVersions: append(append(VersionSet{}, defaultAPIVersions...), apiVersions...),
		},
	}

	r := &renderer{maxIncludeDep: 1000}
	r.tmpl = template.New("chart").Option("missingkey=zero").Funcs(r.funcMap())
	names := make([]string, 0, len(c.templates))
	for n := range c.templates {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, err := r.tmpl.New(n).Parse(c.templates[n]); err != nil {
			return fmt.Errorf("parse error in %s: %w", n, err)
		}
	}

	chartName, _ := c.metadata["name"].(string)
	basePath := chartName + "/templates"
	execute := func(n string) (string, error) {
		data := map[string]interface{}{}
		for k, v := range top {
			data[k] = v
		}
		data["Template"] = map[string]interface{}{"Name": n, "BasePath": basePath}
		var buf bytes.Buffer
		if err := r.tmpl.ExecuteTemplate(&buf, n, data); err != nil {
			return "", err
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}

	var out strings.Builder
	for _, n := range names {
		base := path.Base(n)
		isNotes := base == "NOTES.txt"
		if strings.HasPrefix(base, "_") || isNotes != notes {
			continue
		}
		text, err := execute(n)
		if err != nil {
			return err
		}
		if notes {
			out.WriteString(text)
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", n, strings.TrimRight(text, "\n"))
	}
	fmt.Print(out.String())
	return nil
}
