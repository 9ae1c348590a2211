/// Grafana's provisioning files for the stack: data sources (Prometheus, Loki, Tempo, linked so a trace id in a
/// log line opens the trace) and a file provider loading the generated dashboards.
enum GrafanaProvisioning {
    static func dataSources(header: String) -> String {
        """
        \(YAMLOutput.comment(header))
        apiVersion: 1
        datasources:
          - name: Prometheus
            uid: prometheus
            type: prometheus
            access: proxy
            url: http://prometheus:9090
            isDefault: true
            jsonData:
              exemplarTraceIdDestinations:
                - name: trace_id
                  datasourceUid: tempo
          - name: Loki
            uid: loki
            type: loki
            access: proxy
            url: http://loki:3100
            jsonData:
              derivedFields:
                - name: trace_id
                  matcherRegex: '"trace_id":"(\\w+)"'
                  url: '$${__value.raw}'
                  datasourceUid: tempo
          - name: Tempo
            uid: tempo
            type: tempo
            access: proxy
            url: http://tempo:3200
            jsonData:
              tracesToLogsV2:
                datasourceUid: loki
                filterByTraceID: true
              serviceMap:
                datasourceUid: prometheus

        """
    }

    static func dashboards(header: String) -> String {
        """
        \(YAMLOutput.comment(header))
        apiVersion: 1
        providers:
          - name: spyglass
            folder: Spyglass
            type: file
            disableDeletion: false
            allowUiUpdates: false
            options:
              path: /var/lib/grafana/dashboards

        """
    }
}
