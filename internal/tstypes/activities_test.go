package tstypes_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tsworker/tsworker/cli"
	"github.com/tsworker/tsworker/internal/tstypes"
)

// Go activities whose declarations the tests check.

type Address struct {
	Street string  `json:"street"`
	Zip    *string `json:"zip,omitempty"`
}

type Base struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
}

type Item struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

type Order struct {
	Base
	Customer string         `json:"customer"`
	Items    []Item         `json:"items"`
	Tags     map[string]int `json:"tags,omitempty"`
	Ship     *Address       `json:"ship"`
	Secret   string         `json:"-"`
	Raw      []byte         `json:"raw,omitempty"`
	Wait     time.Duration  `json:"wait"`
	Count    int64          `json:"count,string"`
	Extra    any            `json:"extra,omitempty"`
	Next     *Order         `json:"next,omitempty"`
	internal int
	NoTag    bool
}

type Receipt struct {
	OrderID string  `json:"orderId"`
	Total   float64 `json:"total"`
	Lines   []Item  `json:"lines"`
}

func Charge(context.Context, Order, int) (Receipt, error) { return Receipt{}, nil }

func Ping(context.Context) error { return nil }

func Blob(_ context.Context, b []byte) ([]byte, error) { return b, nil }

func Find(context.Context, string, *Address) (*Order, error) { return nil, nil }

func Sum(_ context.Context, xs ...float64) (float64, error) { return 0, nil }

func SendMail(context.Context, string) (bool, error) { return true, nil }

type Shop struct{}

func (*Shop) Restock(context.Context, []Item) (map[string]Item, error) { return nil, nil }

// testActivities are named as cli.Activities{"charge": Charge, ...} and a
// *Shop register them.
func testActivities() []tstypes.Activity {
	shop := &Shop{}
	return []tstypes.Activity{
		{Name: "charge", Fn: Charge},
		{Name: "ping", Fn: Ping},
		{Name: "blob", Fn: Blob},
		{Name: "find", Fn: Find},
		{Name: "sum", Fn: Sum},
		{Name: "send-mail", Fn: SendMail},
		{Name: "Restock", Fn: shop.Restock},
		{Name: "restock", Fn: shop.Restock},
	}
}

func TestActivityDeclarations(t *testing.T) {
	got := string(tstypes.ActivityDeclarations(testActivities()))
	for _, want := range []string{
		"export interface Order {\n  id: string;\n  created: string;\n  customer: string;\n  items: Item[];\n  tags?: Record<string, number>;\n  ship: Address | null;\n  raw?: string;\n  wait: number;\n  count: string;\n  extra?: unknown;\n  next?: Order | null;\n  NoTag: boolean;\n}",
		"export interface Address {\n  street: string;\n  zip?: string | null;\n}",
		"export declare function charge(order: Order, arg1: number): Promise<Receipt>;",
		"export declare function ping(): Promise<void>;",
		"export declare function blob(arg0: Uint8Array): Promise<Uint8Array>;",
		"export declare function find(arg0: string, address?: Address | null): Promise<Order | undefined>;",
		"export declare function sum(...arg0: number[]): Promise<number>;",
		"export declare function restock(arg0: Item[]): Promise<Record<string, Item>>;",
		"export { activity_send_mail as \"send-mail\" };",
		"/** The Go activity github.com/tsworker/tsworker/internal/tstypes_test.Charge. */",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("declarations have no\n%s\n--- got:\n%s", want, got)
		}
	}
	for _, absent := range []string{"Secret", "internal:"} {
		if strings.Contains(got, absent) {
			t.Errorf("declarations name %s:\n%s", absent, got)
		}
	}
	if got := string(tstypes.ActivityDeclarations(nil)); !strings.HasSuffix(got, "export {};\n") {
		t.Errorf("no activities: want an empty module, got:\n%s", got)
	}
}

// TestActivityTypeCheck checks a workflow against the generated
// declarations with tsc, and that misuses of them are errors.
func TestActivityTypeCheck(t *testing.T) {
	tsc := installTSC(t)
	write := func(dir string) {
		t.Helper()
		if err := tstypes.Write(dir); err != nil {
			t.Fatal(err)
		}
		if err := tstypes.WriteActivities(filepath.Join(dir, tstypes.ActivitiesFile), testActivities()); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("accepts", func(t *testing.T) {
		dir := t.TempDir()
		copyTS(t, "testdata/activities", dir)
		write(dir)
		if out, err := tsc(dir); err != nil {
			b, _ := os.ReadFile(filepath.Join(dir, tstypes.ActivitiesFile))
			t.Fatalf("tsc:\n%s\ndeclarations:\n%s", out, b)
		}
	})
	// The project `tsworker init` writes type-checks as it is.
	t.Run("init", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "hello")
		root := cli.NewRootCommand(nil)
		root.SetArgs([]string{"init", dir, "--no-tidy", "--tsworker-dir", "../.."})
		root.SetOut(io.Discard)
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Fatal(err)
		}
		if out, err := tsc(dir); err != nil {
			t.Fatalf("tsc:\n%s", out)
		}
	})
	t.Run("rejects", func(t *testing.T) {
		head := "import { proxyActivities } from '@temporalio/workflow';\nimport type * as activities from './activities';\n" +
			"const a = proxyActivities<typeof activities>({ startToCloseTimeout: '1m' });\n"
		order := "{ id: 'o', created: '', customer: 'c', items: [], ship: null, wait: 0, count: '1', NoTag: false }"
		bad := map[string]string{
			"wrong_param.ts":     "export async function w() { await a.charge(" + order + ", 'one'); }\n",
			"missing_field.ts":   "export async function w() { await a.charge({ id: 'o', created: '', items: [], ship: null, wait: 0, count: '1', NoTag: false }, 1); }\n",
			"dropped_field.ts":   "export async function w() { const o = await a.find('x'); return o?.Secret; }\n",
			"unknown_act.ts":     "export async function w() { await a.refund(); }\n",
			"wrong_result.ts":    "export async function w() { const n: number = await a.blob(new Uint8Array()); return n; }\n",
			"maybe_undefined.ts": "export async function w() { const o = await a.find('x'); return o.customer; }\n",
		}
		dir := t.TempDir()
		for name, src := range bad {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(head+src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write(dir)
		out, err := tsc(dir)
		if err == nil {
			t.Fatalf("tsc accepted every file:\n%s", out)
		}
		for name, src := range bad {
			if !strings.Contains(out, name+"(") {
				t.Errorf("tsc accepted %s:\n%s", name, src)
			}
		}
		if t.Failed() {
			t.Logf("tsc output:\n%s", out)
		}
	})
}
