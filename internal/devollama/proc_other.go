//go:build !unix

package devollama

import "os/exec"

func ownProcessGroup(cmd *exec.Cmd) {}

// terminate has no gentler way than kill on this system.
func terminate(cmd *exec.Cmd) error { return cmd.Process.Kill() }

func kill(cmd *exec.Cmd) error { return cmd.Process.Kill() }
