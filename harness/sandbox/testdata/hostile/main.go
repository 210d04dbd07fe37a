// Command hostile misbehaves on purpose, one way per mode, so the sandbox
// tests can prove each limit against a real process.
package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hostile mode [arg]")
		os.Exit(2)
	}
	arg := ""
	if len(os.Args) > 2 {
		arg = os.Args[2]
	}
	switch os.Args[1] {
	case "ok":
		fmt.Println("hello from the sandbox")
	case "spin": // burn CPU forever
		for n := 0; ; n++ {
			_ = n
		}
	case "sleep": // idle forever
		time.Sleep(time.Hour)
	case "alloc": // allocate and touch arg bytes, 64 MiB at a time
		total, _ := strconv.ParseInt(arg, 10, 64)
		var keep [][]byte
		for got := int64(0); got < total; got += 64 << 20 {
			b := make([]byte, 64<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			keep = append(keep, b)
		}
		fmt.Println("allocated", total, len(keep))
	case "spawn": // start sleeping children (sleep arg seconds, default 60) until the kernel refuses
		secs := "60"
		if arg != "" {
			secs = arg
		}
		n := 0
		for ; n < 10000; n++ {
			if err := exec.Command("/bin/sleep", secs).Start(); err != nil {
				fmt.Printf("spawned %d, then: %v\n", n, err)
				os.Exit(3)
			}
		}
		fmt.Printf("spawned %d, never refused\n", n)
	case "forkbomb": // every process keeps starting copies of itself
		self, _ := os.Executable()
		for {
			_ = exec.Command(self, "forkbomb").Start()
		}
	case "escape": // leave the process group (sleeping arg seconds, default 300), then exit at once
		secs := "300"
		if arg != "" {
			secs = arg
		}
		c := exec.Command("/bin/sleep", secs)
		c.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := c.Start(); err != nil {
			fmt.Println("start:", err)
			os.Exit(1)
		}
		fmt.Println("child", c.Process.Pid)
	case "output": // write arg bytes to stdout
		total, _ := strconv.ParseInt(arg, 10, 64)
		line := []byte(strings.Repeat("x", 1023) + "\n")
		for w := int64(0); w < total; w += int64(len(line)) {
			if _, err := os.Stdout.Write(line); err != nil {
				os.Exit(1)
			}
		}
	case "env": // print every variable
		for _, kv := range os.Environ() {
			fmt.Println(kv)
		}
	case "dial": // connect to arg
		c, err := net.DialTimeout("tcp", arg, 3*time.Second)
		if err != nil {
			fmt.Println("dial failed:", err)
			os.Exit(1)
		}
		c.Close()
		fmt.Println("dial ok")
	case "loopback": // listen on 127.0.0.1 and connect to itself
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Println("listen failed:", err)
			os.Exit(1)
		}
		go func() {
			if c, err := ln.Accept(); err == nil {
				c.Close()
			}
		}()
		c, err := net.DialTimeout("tcp", ln.Addr().String(), 3*time.Second)
		if err != nil {
			fmt.Println("dial failed:", err)
			os.Exit(1)
		}
		c.Close()
		fmt.Println("loopback ok")
	case "write": // create arg
		if err := os.WriteFile(arg, []byte("pwned\n"), 0o644); err != nil {
			fmt.Println("write failed:", err)
			os.Exit(1)
		}
		fmt.Println("write ok")
	case "bigfile": // write a file of arg bytes in the working directory
		total, _ := strconv.ParseInt(arg, 10, 64)
		f, err := os.Create("big")
		if err != nil {
			fmt.Println("create failed:", err)
			os.Exit(1)
		}
		buf := make([]byte, 1<<20)
		for w := int64(0); w < total; w += int64(len(buf)) {
			if _, err := f.Write(buf); err != nil {
				fmt.Println("write failed:", err)
				os.Exit(1)
			}
		}
		fmt.Println("wrote", total)
	case "stdin": // echo stdin
		b := make([]byte, 1<<16)
		n, _ := os.Stdin.Read(b)
		fmt.Printf("stdin: %s\n", b[:n])
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}
