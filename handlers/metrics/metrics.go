// Package metrics is what Stepwise tells Prometheus: requests by route
// pattern and status with their latency, the database pools, the webhook
// queue and its outcomes, security events (logins, failed logins, …) and
// the Go runtime. It is served on the admin listener only, never on the
// public port (cmd/stepwise/admin.go).
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds Stepwise's collectors in a registry of its own, so a test
// can build several apps in one process.
type Metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	events     *prometheus.CounterVec
	deliveries *prometheus.CounterVec
}

// QueueDepth counts the webhook deliveries waiting to be sent.
type QueueDepth func(ctx context.Context) (int, error)

// Pool is a database connection pool to report, by name.
type Pool struct {
	Name string
	DB   *sql.DB
}

// TxRetries counts the transactions run again after a serialization
// failure or deadlock since the start (db.DB.TxRetries).
type TxRetries func() int64

// New registers the collectors: the queue's depth and the transaction
// retries, asked at each scrape, and the database pools.
func New(queue QueueDepth, retries TxRetries, pools ...Pool) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stepwise_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stepwise_http_request_duration_seconds",
			Help:    "Time from the request's arrival to its answer, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stepwise_security_events_total",
			Help: "Security events written to the audit log, by event (login.success, login.failure, …).",
		}, []string{"event"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stepwise_webhook_attempts_total",
			Help: "Webhook delivery attempts, by outcome (delivered, failed).",
		}, []string{"outcome"}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency, m.events, m.deliveries,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "stepwise_webhook_queue_depth",
			Help: "Webhook deliveries waiting to be sent (-1 when the count failed).",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := queue(ctx)
			if err != nil {
				return -1
			}
			return float64(n)
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "stepwise_db_transaction_retries_total",
			Help: "Transactions run again after a serialization failure or a deadlock (PostgreSQL; always 0 on SQLite).",
		}, func() float64 { return float64(retries()) }),
	)
	for _, p := range pools {
		m.registry.MustRegister(collectors.NewDBStatsCollector(p.DB, p.Name))
	}
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Observe is the Fiber middleware that counts and times every request.
// It runs outside the request log, which renders errors, so it sees the
// status the client got. Routes are labelled by their pattern
// ("/guides/:slug"), never the path, so the series stay few. A request
// answered before it reached a route, by no route (404) or by a
// middleware mounted on every path (a refused CSRF token, an oversized
// body), is "unrouted": the last route it saw is that catch-all "/".
func (m *Metrics) Observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	route := c.Route().Path
	if route == "/" && c.Path() != "/" {
		route = "unrouted"
	}
	// Fiber's strings alias the request's buffers, which the next request
	// reuses; a label is kept, so it gets a copy.
	method := strings.Clone(c.Method())
	m.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().StatusCode())).Inc()
	m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	return err
}

// Event counts one security event; the audit log calls it for each row
// it writes.
func (m *Metrics) Event(event string) { m.events.WithLabelValues(event).Inc() }

// Attempt counts one webhook delivery attempt.
func (m *Metrics) Attempt(delivered bool) {
	outcome := "failed"
	if delivered {
		outcome = "delivered"
	}
	m.deliveries.WithLabelValues(outcome).Inc()
}
