package devollama

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckHeaders(t *testing.T) {
	empty := t.TempDir()
	full := t.TempDir()
	for _, h := range []string{"nlohmann/json.hpp", "stb/stb_image.h"} {
		p := filepath.Join(full, h)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	err := checkHeaders([]string{empty})
	if err == nil {
		t.Fatal("checkHeaders found headers in an empty directory")
	}
	for _, want := range []string{"apt-get install -y nlohmann-json3-dev libstb-dev", "/usr/include/nlohmann/json.hpp", "/usr/include/stb/stb_image.h"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if err := checkHeaders([]string{empty, full}); err != nil {
		t.Errorf("checkHeaders with both headers present: %v", err)
	}
}

func TestFindEnv(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "ollama")
	t.Setenv(EnvBin, bin)
	if p, ok := Find(); ok || p != bin {
		t.Errorf("Find() with %s naming a missing file = %q, %t; want %q, false", EnvBin, p, ok, bin)
	}
	if _, err := Install(t.Context(), nil); err == nil || !strings.Contains(err.Error(), EnvBin) {
		t.Errorf("Install with %s naming a missing file: err = %v, want one naming %s", EnvBin, err, EnvBin)
	}
	if err := os.WriteFile(bin, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if p, ok := Find(); !ok || p != bin {
		t.Errorf("Find() = %q, %t; want %q, true", p, ok, bin)
	}
	if p, err := Install(t.Context(), nil); err != nil || p != bin {
		t.Errorf("Install() = %q, %v; want %q", p, err, bin)
	}
}
