// Command otel-collector runs the OpenTelemetry Collector's OTLP receiver (the collector's own
// otlpreceiver component) with one pipeline: every trace request it receives is appended to a file
// as OTLP/JSON, one request a line (the collector's ptrace JSON encoding, as its file exporter
// writes it). The trace suites start it on loopback and read what the sidecar sent.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
)

func main() {
	httpAddr := flag.String("http", "127.0.0.1:4318", "OTLP/HTTP listen address (port 0 picks a free one)")
	out := flag.String("out", "", "file the received spans are appended to, one OTLP/JSON request per line")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "otel-collector: --out FILE is required")
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*httpAddr, *out); err != nil {
		fmt.Fprintln(os.Stderr, "otel-collector:", err)
		os.Exit(1)
	}
}

func run(httpAddr, out string) error {
	addr, err := freeAddress(httpAddr)
	if err != nil {
		return err
	}
	file, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer file.Close()
	var mu sync.Mutex
	marshaler := &ptrace.JSONMarshaler{}
	sink, err := consumer.NewTraces(func(_ context.Context, td ptrace.Traces) error {
		line, err := marshaler.MarshalTraces(td)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		_, err = file.Write(append(line, '\n'))
		return err
	})
	if err != nil {
		return err
	}

	factory := otlpreceiver.NewFactory()
	cfg := factory.CreateDefaultConfig().(*otlpreceiver.Config)
	// OTLP/HTTP only: the default config's gRPC protocol stays off until asked for.
	http := cfg.Protocols.HTTP.GetOrInsertDefault()
	http.ServerConfig.NetAddr.Endpoint = addr
	ctx := context.Background()
	receiver, err := factory.CreateTraces(ctx, receivertest.NewNopSettings(factory.Type()), cfg, sink)
	if err != nil {
		return err
	}
	if err := receiver.Start(ctx, componenttest.NewNopHost()); err != nil {
		return err
	}
	fmt.Printf("otel-collector: OTLP/HTTP on http://%s, spans to %s\n", addr, out)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	return receiver.Shutdown(ctx)
}

// freeAddress resolves port 0 to a free port, so the address can be printed for the caller.
func freeAddress(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if port != "0" {
		return addr, nil
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
