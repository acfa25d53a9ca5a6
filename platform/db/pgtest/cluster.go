//go:build unix

package pgtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
)

// primaryConf is appended to a new primary's postgresql.conf: TCP on
// loopback only, no Unix socket in a shared directory, no fsync, and enough
// WAL senders for replicas. Replicas inherit it through pg_basebackup.
const primaryConf = "listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\nfsync = off\n" +
	"shared_buffers = 16MB\nmax_connections = 20\nwal_level = replica\nmax_wal_senders = 4\n"

// Cluster is one test's PostgreSQL server.
type Cluster struct {
	// Port is the TCP port on 127.0.0.1; it stays the same across Stop and Start.
	Port int
	// Dir is the data directory.
	Dir string

	t    testing.TB
	prog programs

	mu sync.Mutex
	// running is true between a start and a stop; stopping is registered
	// for the end of the test once, at the first start.
	running, stopAtEndSet bool
}

// programs runs PostgreSQL's programs from bin in dir, as cred when set.
type programs struct {
	bin, dir string
	cred     *syscall.Credential
}

// StartPrimary creates a cluster in a new temporary directory, starts it on
// a free port and returns it. When t ends the server is stopped (if it is
// running) and the directory removed. It skips t when the server programs
// are missing, or when t runs as root and there is no postgres user.
func StartPrimary(t testing.TB) *Cluster {
	t.Helper()
	prog := findPrograms(t)
	c := &Cluster{Port: freePort(t), Dir: filepath.Join(prog.dir, "primary"), t: t, prog: prog}
	if err := prog.run("initdb", "-D", c.Dir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		t.Skipf("cannot create a PostgreSQL cluster: %v", err)
	}
	f, err := os.OpenFile(filepath.Join(c.Dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString(primaryConf)
		f.Close()
	}
	if err != nil {
		t.Fatalf("configure primary: %v", err)
	}
	c.start()
	return c
}

// StartReplica makes a streaming replica of c (pg_basebackup -R), starts it
// on a free port and returns it; it is stopped when the test ends.
func (c *Cluster) StartReplica() *Cluster {
	c.t.Helper()
	r := &Cluster{Port: freePort(c.t), Dir: filepath.Join(c.prog.dir, fmt.Sprintf("replica-%d", c.Port)), t: c.t, prog: c.prog}
	if err := c.prog.run("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port), "-U", "postgres",
		"-D", r.Dir, "-R", "-X", "stream", "-c", "fast", "--no-sync"); err != nil {
		c.t.Fatalf("pg_basebackup: %v", err)
	}
	r.start()
	return r
}

// URL is the address of the cluster's postgres database as the postgres
// superuser, without TLS.
func (c *Cluster) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.Port)
}

// Stop stops the server at once (pg_ctl stop -m immediate), as a crash
// would: connections are dropped without a goodbye, and the next Start runs
// crash recovery.
func (c *Cluster) Stop() {
	c.t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.prog.run("pg_ctl", "-D", c.Dir, "-m", "immediate", "stop"); err != nil {
		c.t.Fatalf("stop PostgreSQL in %s: %v", c.Dir, err)
	}
	c.running = false
}

// Start starts the stopped server again on the same port and data directory.
func (c *Cluster) Start() {
	c.t.Helper()
	c.start()
}

// Log returns what the server has logged, for a failing test to show.
func (c *Cluster) Log() string {
	b, err := os.ReadFile(filepath.Join(c.Dir, "server.log"))
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// start starts the server and, the first time, arranges for it to be
// stopped when the test ends.
func (c *Cluster) start() {
	c.t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.prog.run("pg_ctl", "-D", c.Dir, "-l", filepath.Join(c.Dir, "server.log"), "-w", "-t", "20",
		"-o", "-p "+strconv.Itoa(c.Port), "start"); err != nil {
		c.t.Fatalf("start PostgreSQL in %s: %v\n%s", c.Dir, err, c.Log())
	}
	c.running = true
	if !c.stopAtEndSet {
		c.stopAtEndSet = true
		c.t.Cleanup(c.stopAtEnd)
	}
}

func (c *Cluster) stopAtEnd() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running {
		return
	}
	if err := c.prog.run("pg_ctl", "-D", c.Dir, "-m", "immediate", "stop"); err != nil {
		c.t.Errorf("stop PostgreSQL in %s: %v", c.Dir, err)
	}
	c.running = false
}

// findPrograms locates the server programs and makes the temporary
// directory the clusters live in, owned by the user they run as; it is
// removed when the test ends.
func findPrograms(t testing.TB) programs {
	t.Helper()
	bin := binDir()
	if bin == "" {
		t.Skip("no PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) in $PG_BIN, PATH or /usr/lib/postgresql/*/bin")
	}
	var cred *syscall.Credential
	uid, gid := -1, -1
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root, where initdb refuses to run, and there is no postgres user to run it as")
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	// Not t.TempDir: its parent is private to root, and the servers may run
	// as the postgres user.
	base, err := os.MkdirTemp("", "citizenapi-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if cred != nil {
		if err := os.Chown(base, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	return programs{bin: bin, dir: base, cred: cred}
}

func (p programs) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(p.bin, name), args...)
	cmd.Dir = p.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, out)
	}
	return nil
}

// binDir finds the directory of initdb: $PG_BIN, PATH, or
// /usr/lib/postgresql/*/bin (Debian keeps the server programs out of PATH).
func binDir() string {
	if dir := os.Getenv("PG_BIN"); dir != "" {
		return dir
	}
	// PATH may hold only links (Debian's /usr/bin wrappers, or one program
	// linked on its own): the real directory has them all.
	if path, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(path); err == nil {
			return filepath.Dir(real)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(dirs) == 0 {
		return ""
	}
	return filepath.Dir(dirs[len(dirs)-1])
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
