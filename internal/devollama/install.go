// Package devollama gives lim a real Ollama server for development and CI: it
// builds the pinned Ollama version from the Go module proxy, writes a tiny
// random model that needs no download, and starts a server on loopback that
// serves it as TinyModel.
//
// What the tiny model says is meaningless; tests and recordings made with it
// prove the pipeline, the measurements and the failure handling, not quality.
package devollama

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Version is the Ollama version lim builds and tests against.
const Version = "v0.17.4"

// EnvBin names the environment variable that points at an Ollama binary to
// use instead of the cached build.
const EnvBin = "LIM_OLLAMA_BIN"

// malgo ships miniaudio.h, which the Ollama module zip leaves out.
const malgoModule = "github.com/gen2brain/malgo@v0.11.24"

// aptInstall is the command that provides the C headers the Ollama module
// zip leaves out.
const aptInstall = "apt-get install -y nlohmann-json3-dev libstb-dev"

// Find reports the Ollama binary to use without building anything:
// $LIM_OLLAMA_BIN if it is set (ok only if that file exists), else the cached
// build of Version if it exists.
func Find() (string, bool) {
	if p := os.Getenv(EnvBin); p != "" {
		return p, isFile(p)
	}
	p, err := cachedPath()
	if err != nil {
		return "", false
	}
	return p, isFile(p)
}

// Install returns the path of an Ollama binary of Version. It uses
// $LIM_OLLAMA_BIN if set (an error if that file does not exist), else the
// cached build at <user cache dir>/lim/ollama/<Version>/<GOOS>-<GOARCH>/ollama,
// building it there first if it is missing. A build runs `go install` with
// cgo and needs a C compiler and the nlohmann-json and stb headers (the error
// says how to install them); it takes minutes the first time and streams its
// output to log, which may be nil.
func Install(ctx context.Context, log io.Writer) (string, error) {
	if log == nil {
		log = io.Discard
	}
	if p := os.Getenv(EnvBin); p != "" {
		if !isFile(p) {
			return "", fmt.Errorf("finding ollama: %s=%s: no such file", EnvBin, p)
		}
		return p, nil
	}
	p, err := cachedPath()
	if err != nil {
		return "", err
	}
	if isFile(p) {
		return p, nil
	}
	if err := build(ctx, p, log); err != nil {
		return "", fmt.Errorf("building ollama %s: %w", Version, err)
	}
	return p, nil
}

func cachedPath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache for ollama: %w", err)
	}
	return filepath.Join(dir, "lim", "ollama", Version, runtime.GOOS+"-"+runtime.GOARCH, "ollama"), nil
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// build runs go install github.com/ollama/ollama@Version with cgo and moves
// the binary to dst.
func build(ctx context.Context, dst string, log io.Writer) error {
	if err := checkHeaders(includeDirs()); err != nil {
		return err
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("finding the go command: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(dst), err)
	}
	// Work next to dst so the final rename stays on one file system, and
	// outside any Go module so the project's settings do not apply.
	work, err := os.MkdirTemp(filepath.Dir(dst), "build-")
	if err != nil {
		return fmt.Errorf("creating build directory: %w", err)
	}
	defer os.RemoveAll(work)

	env := append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GO111MODULE=on")

	header, err := downloadMiniaudio(ctx, goBin, work, env)
	if err != nil {
		return err
	}
	// The include directory keeps one path from build to build: cgo flags
	// are part of Go's build cache keys, so a rebuild reuses the compiled C.
	inc := filepath.Join(filepath.Dir(filepath.Dir(dst)), "include")
	if err := os.MkdirAll(filepath.Join(inc, "miniaudio"), 0o755); err != nil {
		return fmt.Errorf("creating include directory: %w", err)
	}
	if err := copyFile(header, filepath.Join(inc, "miniaudio", "miniaudio.h")); err != nil {
		return err
	}

	gobin := filepath.Join(work, "bin")
	cppflags := strings.TrimSpace("-I" + inc + " " + os.Getenv("CGO_CPPFLAGS"))
	pkg := "github.com/ollama/ollama@" + Version
	cmd := exec.CommandContext(ctx, goBin, "install",
		"-ldflags=-X=github.com/ollama/ollama/version.Version="+strings.TrimPrefix(Version, "v"),
		pkg)
	cmd.Dir = work
	cmd.Env = append(env, "CGO_ENABLED=1", "CGO_CPPFLAGS="+cppflags, "GOBIN="+gobin)
	cmd.Stdout, cmd.Stderr = log, log
	fmt.Fprintf(log, "building %s (takes minutes the first time)\n", pkg)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go install %s: %w", pkg, err)
	}
	name := "ollama"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if err := os.Rename(filepath.Join(gobin, name), dst); err != nil {
		return fmt.Errorf("moving the ollama binary into the cache: %w", err)
	}
	fmt.Fprintf(log, "installed %s\n", dst)
	return nil
}

// includeDirs lists where the C compiler will look for headers: the system
// directories and any -I directories on CGO_CPPFLAGS.
func includeDirs() []string {
	dirs := []string{"/usr/include", "/usr/local/include"}
	for _, f := range strings.Fields(os.Getenv("CGO_CPPFLAGS")) {
		if d, ok := strings.CutPrefix(f, "-I"); ok && d != "" {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// checkHeaders fails with the command to run when the C headers that the
// Ollama module zip leaves out are in none of dirs.
func checkHeaders(dirs []string) error {
	var missing []string
	for _, h := range []string{"nlohmann/json.hpp", "stb/stb_image.h"} {
		found := false
		for _, d := range dirs {
			if isFile(filepath.Join(d, h)) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, filepath.Join("/usr/include", h))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing C headers %s needed to build ollama: run `%s` (or put them on CGO_CPPFLAGS=-I<dir>)",
			strings.Join(missing, ", "), aptInstall)
	}
	return nil
}

// downloadMiniaudio fetches the malgo module through the Go module proxy and
// returns the path of its miniaudio.h.
func downloadMiniaudio(ctx context.Context, goBin, dir string, env []string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, goBin, "mod", "download", "-json", malgoModule)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go mod download %s: %w: %s%s", malgoModule, err, stderr.Bytes(), stdout.Bytes())
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(stdout.Bytes(), &mod); err != nil {
		return "", fmt.Errorf("reading go mod download output for %s: %w", malgoModule, err)
	}
	if mod.Error != "" || mod.Dir == "" {
		return "", fmt.Errorf("go mod download %s: %s", malgoModule, cmp.Or(mod.Error, "no directory reported"))
	}
	h := filepath.Join(mod.Dir, "miniaudio.h")
	if !isFile(h) {
		return "", fmt.Errorf("finding miniaudio.h: %s has none", mod.Dir)
	}
	return h, nil
}

// copyFile copies src to dst through a temporary file, so a concurrent
// build never sees a partial dst.
func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".tmp-")
	if err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	return nil
}
