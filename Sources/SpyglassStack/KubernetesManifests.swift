/// Kubernetes manifests for the service: a Deployment whose probes are Spyglass's health endpoints, a Service,
/// scrape annotations and a prometheus-operator ServiceMonitor and PrometheusRule (the generated alert and SLO
/// groups), gathered by a kustomization.
enum KubernetesManifests {
    static func deployment(_ specification: StackSpecification, header: String) -> String {
        let service = specification.service
        let port = specification.target.split(separator: ":").last.map(String.init) ?? "8080"
        return """
        \(YAMLOutput.comment(header))
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(service)
          labels: {app.kubernetes.io/name: \(service)}
        spec:
          replicas: 2
          selector:
            matchLabels: {app.kubernetes.io/name: \(service)}
          template:
            metadata:
              labels: {app.kubernetes.io/name: \(service)}
              annotations:
                prometheus.io/scrape: "true"
                prometheus.io/port: "\(port)"
                prometheus.io/path: /metrics
            spec:
              # Longer than SPYGLASS_SHUTDOWN_DELAY_MS plus the time requests take to drain.
              terminationGracePeriodSeconds: 30
              containers:
                - name: \(service)
                  image: \(specification.image)
                  # The demo's flags; a service of your own listens on 0.0.0.0 its own way.
                  args: ["--host", "0.0.0.0", "--port", "\(port)"]
                  ports:
                    - {name: http, containerPort: \(port)}
                  env:
                    - {name: SPYGLASS_SERVICE_NAME, value: \(service)}
                    - {name: SPYGLASS_ENVIRONMENT, value: production}
                    # Readiness answers 503 for 5 s after SIGTERM, while endpoints are removed, before the server stops.
                    - {name: SPYGLASS_SHUTDOWN_DELAY_MS, value: "5000"}
                    - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel-collector.observability:4318"}
                  startupProbe:
                    httpGet: {path: /health/live, port: http}
                    periodSeconds: 2
                    failureThreshold: 30
                  livenessProbe:
                    httpGet: {path: /livez, port: http}
                    periodSeconds: 10
                    failureThreshold: 3
                  readinessProbe:
                    httpGet: {path: /readyz, port: http}
                    periodSeconds: 5
                    failureThreshold: 2
                  resources:
                    requests: {cpu: 100m, memory: 128Mi}
                    limits: {memory: 512Mi}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: \(service)
          labels: {app.kubernetes.io/name: \(service)}
        spec:
          selector: {app.kubernetes.io/name: \(service)}
          ports:
            - {name: http, port: 80, targetPort: http}

        """
    }

    static func serviceMonitor(_ specification: StackSpecification, header: String) -> String {
        """
        \(YAMLOutput.comment(header))
        # For clusters running the prometheus-operator; without it, the pod annotations of deployment.yaml serve.
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata:
          name: \(specification.service)
          labels: {app.kubernetes.io/name: \(specification.service)}
        spec:
          selector:
            matchLabels: {app.kubernetes.io/name: \(specification.service)}
          endpoints:
            - port: http
              path: /metrics
              interval: 15s
              # The alerts and SLOs select job="\(specification.service)".
              relabelings:
                - targetLabel: job
                  replacement: \(specification.service)

        """
    }

    /// The alert and SLO rule groups as a prometheus-operator PrometheusRule.
    static func prometheusRule(_ specification: StackSpecification, groups: [PrometheusRuleFile.Group], header: String) -> String {
        struct Metadata: Encodable {
            let name: String
            let labels: [String: String]
        }
        struct Spec: Encodable { let groups: [PrometheusRuleFile.Group] }
        struct Rule: Encodable {
            let apiVersion = "monitoring.coreos.com/v1"
            let kind = "PrometheusRule"
            let metadata: Metadata
            let spec: Spec
        }
        return YAMLOutput.render(
            Rule(metadata: Metadata(name: specification.service, labels: ["app.kubernetes.io/name": specification.service]), spec: Spec(groups: groups)),
            header: header
        )
    }

    static func kustomization(header: String) -> String {
        """
        \(YAMLOutput.comment(header))
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - deployment.yaml
          # Drop these two where the prometheus-operator is not installed.
          - servicemonitor.yaml
          - prometheusrule.yaml

        """
    }
}
