/// `docker-compose.observability.yml` and the configuration of the services it runs beside the generated
/// Prometheus, Alertmanager and Grafana files: Loki with Promtail reading the service's JSON log lines, Tempo
/// receiving OTLP, and (profile `collector`) an OpenTelemetry Collector fanning OTLP out to all three.
enum ComposeStack {
    static func compose(_ specification: StackSpecification, header: String) -> String {
        """
        \(YAMLOutput.comment(header))
        #
        # docker compose -f docker-compose.observability.yml up -d      # Prometheus :9090, Alertmanager :9093, Grafana :3000, Loki :3100, Tempo :3200
        # Run the service on the host with its log lines in ./logs and its spans sent to Tempo:
        #   OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 OTEL_LOGS_EXPORTER=none OTEL_METRICS_EXPORTER=none \\
        #     swift run \(specification.service) | tee deploy/logs/\(specification.service).log
        # Through the collector instead (traces to Tempo, logs to Loki, metrics to Prometheus), with --profile collector:
        #   OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:14318 swift run \(specification.service)
        # Alertmanager reads its secrets from ./alertmanager/secrets (one file per secret; see alertmanager.yml).
        name: \(specification.service)-observability
        services:
          prometheus:
            image: prom/prometheus:v2.53.2
            command:
              - --config.file=/etc/prometheus/prometheus.yml
              - --enable-feature=exemplar-storage
              - --web.enable-remote-write-receiver
              - --web.enable-lifecycle
            volumes:
              - ./prometheus:/etc/prometheus:ro
            ports: ["9090:9090"]
            extra_hosts: ["host.docker.internal:host-gateway"]
          alertmanager:
            image: prom/alertmanager:v0.27.0
            command: [--config.file=/etc/alertmanager/alertmanager.yml]
            volumes:
              - ./alertmanager:/etc/alertmanager:ro
            ports: ["9093:9093"]
          grafana:
            image: grafana/grafana:11.2.2
            environment:
              GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD}
              GF_AUTH_ANONYMOUS_ENABLED: "true"
              GF_AUTH_ANONYMOUS_ORG_ROLE: Viewer
            volumes:
              - ./grafana/provisioning:/etc/grafana/provisioning:ro
              - ./grafana/dashboards:/var/lib/grafana/dashboards:ro
            ports: ["3000:3000"]
            depends_on: [prometheus, loki, tempo]
          loki:
            image: grafana/loki:3.2.1
            command: [-config.file=/etc/loki/loki.yml]
            volumes:
              - ./loki/loki.yml:/etc/loki/loki.yml:ro
            ports: ["3100:3100"]
          promtail:
            image: grafana/promtail:3.2.1
            command: [-config.file=/etc/promtail/promtail.yml]
            volumes:
              - ./promtail/promtail.yml:/etc/promtail/promtail.yml:ro
              - ./logs:/var/log/spyglass:ro
            depends_on: [loki]
          tempo:
            image: grafana/tempo:2.6.1
            command: [-config.file=/etc/tempo/tempo.yml]
            volumes:
              - ./tempo/tempo.yml:/etc/tempo/tempo.yml:ro
            ports: ["3200:3200", "4317:4317", "4318:4318"]
          otel-collector:
            image: otel/opentelemetry-collector-contrib:0.112.0
            profiles: [collector]
            command: [--config=/etc/otelcol/config.yml]
            volumes:
              - ./otel-collector/config.yml:/etc/otelcol/config.yml:ro
            ports: ["14317:4317", "14318:4318"]
            depends_on: [prometheus, loki, tempo]

        """
    }

    static func loki(header: String) -> String {
        """
        \(YAMLOutput.comment(header))
        # One process, files on local disk, 7 days of logs: the compose stack's Loki.
        auth_enabled: false
        server:
          http_listen_port: 3100
        common:
          path_prefix: /loki
          replication_factor: 1
          ring:
            kvstore:
              store: inmemory
          storage:
            filesystem:
              chunks_directory: /loki/chunks
              rules_directory: /loki/rules
        schema_config:
          configs:
            - from: "2024-01-01"
              store: tsdb
              object_store: filesystem
              schema: v13
              index:
                prefix: index_
                period: 24h
        limits_config:
          retention_period: 168h
          allow_structured_metadata: true

        """
    }

    static func promtail(_ specification: StackSpecification, header: String) -> String {
        """
        \(YAMLOutput.comment(header))
        # Reads the service's JSON log lines (Spyglass's stdout) from /var/log/spyglass/*.log and ships them to Loki,
        # with level, logger and service as labels and trace_id/request_id as structured metadata, so a line can be
        # found by its trace without a label per trace.
        server:
          http_listen_port: 9080
          grpc_listen_port: 0
        positions:
          filename: /tmp/positions.yaml
        clients:
          - url: http://loki:3100/loki/api/v1/push
        scrape_configs:
          - job_name: spyglass
            static_configs:
              - targets: [localhost]
                labels:
                  job: \(specification.service)
                  __path__: /var/log/spyglass/*.log
            pipeline_stages:
              - json:
                  expressions:
                    timestamp: timestamp
                    level: level
                    logger: logger
                    service: service
                    trace_id: trace_id
                    request_id: request_id
              - timestamp:
                  source: timestamp
                  format: RFC3339Nano
              - labels:
                  level:
                  logger:
                  service:
              - structured_metadata:
                  trace_id:
                  request_id:

        """
    }

    static func tempo(header: String) -> String {
        """
        \(YAMLOutput.comment(header))
        # Tempo receiving OTLP over gRPC (4317) and HTTP (4318), traces on local disk for 48 hours.
        server:
          http_listen_port: 3200
        distributor:
          receivers:
            otlp:
              protocols:
                grpc:
                  endpoint: 0.0.0.0:4317
                http:
                  endpoint: 0.0.0.0:4318
        storage:
          trace:
            backend: local
            local:
              path: /var/tempo/traces
            wal:
              path: /var/tempo/wal
        compactor:
          compaction:
            block_retention: 48h

        """
    }

    static func collector(header: String) -> String {
        """
        \(YAMLOutput.comment(header))
        # The OpenTelemetry Collector (profile collector): OTLP in; traces to Tempo, logs to Loki's OTLP endpoint,
        # metrics to Prometheus's remote-write receiver.
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 0.0.0.0:4317
              http:
                endpoint: 0.0.0.0:4318
        processors:
          batch: {}
        exporters:
          otlp/tempo:
            endpoint: tempo:4317
            tls:
              insecure: true
          otlphttp/loki:
            endpoint: http://loki:3100/otlp
          prometheusremotewrite:
            endpoint: http://prometheus:9090/api/v1/write
        service:
          pipelines:
            traces:
              receivers: [otlp]
              processors: [batch]
              exporters: [otlp/tempo]
            logs:
              receivers: [otlp]
              processors: [batch]
              exporters: [otlphttp/loki]
            metrics:
              receivers: [otlp]
              processors: [batch]
              exporters: [prometheusremotewrite]

        """
    }
}
