public import SpyglassCore

extension GenAIConfiguration {
    /// This configuration with the GenAI variables set in `environment` applied over it: `SPYGLASS_LLM_PRICES`,
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, `SPYGLASS_LLM_CONTENT_MAX_CHARS`,
    /// `SPYGLASS_LLM_BUDGETS`.
    ///
    /// - Throws: ``ConfigurationError`` for the first variable whose value cannot be used.
    public func applyingEnvironment(_ environment: EnvironmentVariables) throws(ConfigurationError) -> GenAIConfiguration {
        var result = self
        if let variable = environment.first("SPYGLASS_LLM_PRICES") {
            result.pricesFile = variable.trimmed
        }
        if let variable = environment.first("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT") {
            result.capturesContent = try variable.boolean()
        }
        if let variable = environment.first("SPYGLASS_LLM_CONTENT_MAX_CHARS") {
            result.contentCharacterLimit = try variable.integer("characters", in: 16...1_000_000)
        }
        if let variable = environment.first("SPYGLASS_LLM_BUDGETS") {
            result.budgets = try LLMCostBudget.parse(variable.value, variable: variable.name)
        }
        return result
    }

    /// `table` with the entries of ``pricesFile`` in front, when one is configured.
    ///
    /// - Throws: ``ConfigurationError`` naming `SPYGLASS_LLM_PRICES` when the file cannot be read or is not a
    ///   `spyglass.prices/1` table.
    public func prices(over table: PriceTable = .default) throws(ConfigurationError) -> PriceTable {
        guard let pricesFile else { return table }
        do {
            return table.overriding(try PriceTable(contentsOfFile: pricesFile))
        } catch {
            throw ConfigurationError(variable: "SPYGLASS_LLM_PRICES", value: pricesFile, allowed: "a readable \(PriceTable.format) file (\(error))")
        }
    }
}
