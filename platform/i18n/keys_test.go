package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// keyArgs are the constructors of keyed errors, with the position of their
// key argument.
var keyArgs = map[string]int{
	"domain.FieldInvalid": 1, "FieldInvalid": 1,
	"domain.FieldMalformed": 1, "FieldMalformed": 1,
	"i18n.Err": 1,
}

// keyLike is a string literal that names a field message or an error text
// wherever it is written, such as the keys web.Bind picks for tags.
var keyLike = regexp.MustCompile(`^(validation|error)\.[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// TestEveryKeyInTheCodeHasBothTexts reads the repository's Go files (tests
// aside) and fails when a key that a field error or a keyed problem is
// built with has no English or no Urdu text: the key argument of
// domain.FieldInvalid, domain.FieldMalformed and i18n.Err, a Key: field of
// a composite literal, and any literal that looks like a validation or
// error key. A message written as English text instead of a key fails too,
// and so does a domain.FieldError literal without a Key.
func TestEveryKeyInTheCodeHasBothTexts(t *testing.T) {
	used := map[string][]string{} // key → where it is used
	fset := token.NewFileSet()
	err := filepath.WalkDir(moduleRoot(t), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "vendor") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		add := func(e ast.Expr, always bool) {
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return
			}
			if key, err := strconv.Unquote(lit.Value); err == nil && (always || keyLike.MatchString(key)) {
				used[key] = append(used[key], fset.Position(lit.Pos()).String())
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if i, ok := keyArgs[callee(n.Fun)]; ok && i < len(n.Args) {
					add(n.Args[i], true)
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Key" {
					add(n.Value, true)
				}
			case *ast.BasicLit:
				add(n, false)
			case *ast.CompositeLit:
				for _, lit := range fieldErrorLits(n, f.Name.Name) {
					if !hasKey(lit) {
						t.Errorf("%s: a domain.FieldError without a Key", fset.Position(lit.Pos()))
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in the code; is the scan reading the repository?", len(used))
	}
	keys := make([]string, 0, len(used))
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		for _, lang := range []string{English, Urdu} {
			if catalogs[lang][key] == "" {
				t.Errorf("%q (used at %s) has no text in %s.json", key, used[key][0], lang)
			}
		}
	}
}

// fieldErrorLits returns lit when it builds a domain.FieldError, or its
// elements when it builds a slice of them.
func fieldErrorLits(lit *ast.CompositeLit, pkg string) []*ast.CompositeLit {
	isFieldError := func(e ast.Expr) bool {
		name := callee(e)
		return name == "domain.FieldError" || (pkg == "domain" && name == "FieldError")
	}
	if isFieldError(lit.Type) {
		return []*ast.CompositeLit{lit}
	}
	var out []*ast.CompositeLit
	if arr, ok := lit.Type.(*ast.ArrayType); ok && isFieldError(arr.Elt) {
		for _, e := range lit.Elts {
			if el, ok := e.(*ast.CompositeLit); ok && el.Type == nil {
				out = append(out, el)
			}
		}
	}
	return out
}

func hasKey(lit *ast.CompositeLit) bool {
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Key" {
				return true
			}
		}
	}
	return false
}

// callee names the function a call calls: "pkg.Name" or "Name".
func callee(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			return x.Name + "." + f.Sel.Name
		}
	}
	return ""
}

// moduleRoot is the directory of go.mod above this package.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
