using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>
/// Source-generated serialisation of every wire record: no reflection at run time, and the same metadata the server
/// writes with and the client reads with. The server binds it to options with Nango's relaxed escaping.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(SuccessResponse))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(TooManyRequestsBody))]
[JsonSerializable(typeof(ConnectionResponse))]
[JsonSerializable(typeof(ConnectionListResponse))]
[JsonSerializable(typeof(MetadataResponse))]
[JsonSerializable(typeof(IntegrationDataResponse))]
[JsonSerializable(typeof(IntegrationListResponse))]
[JsonSerializable(typeof(ProviderListResponse))]
[JsonSerializable(typeof(ProviderDataResponse))]
[JsonSerializable(typeof(ProviderListQuery))]
[JsonSerializable(typeof(IReadOnlyList<EnvironmentVariableResponse>))]
[JsonSerializable(typeof(IReadOnlyList<ScriptsConfigIntegration>))]
[JsonSerializable(typeof(OpenAIFunctionListResponse))]
[JsonSerializable(typeof(ScriptsConfigQuery))]
[JsonSerializable(typeof(LegacyMetadataQuery))]
[JsonSerializable(typeof(ProviderConfigKeyHeader))]
[JsonSerializable(typeof(RunResponse))]
[JsonSerializable(typeof(RunListResponse))]
[JsonSerializable(typeof(RunLogPageResponse))]
[JsonSerializable(typeof(RunLogQuery))]
[JsonSerializable(typeof(TriggerResponse))]
[JsonSerializable(typeof(SyncStatusListResponse))]
[JsonSerializable(typeof(VariantResponse))]
[JsonSerializable(typeof(FrequencyResponse))]
[JsonSerializable(typeof(PruneResponse))]
[JsonSerializable(typeof(RecordsPage))]
[JsonSerializable(typeof(TriggerRequest))]
[JsonSerializable(typeof(SyncScheduleRequest))]
[JsonSerializable(typeof(ConnectionReference))]
[JsonSerializable(typeof(FrequencyRequest))]
[JsonSerializable(typeof(PruneRequest))]
[JsonSerializable(typeof(ConnectionCreateRequest))]
[JsonSerializable(typeof(MetadataRequest))]
[JsonSerializable(typeof(IntegrationRequest))]
[JsonSerializable(typeof(RecordListQuery))]
[JsonSerializable(typeof(RunListQuery))]
[JsonSerializable(typeof(StatusQuery))]
[JsonSerializable(typeof(ConnectionListQuery))]
[JsonSerializable(typeof(ConnectionTargetQuery))]
[JsonSerializable(typeof(ConnectionHeaders))]
[JsonSerializable(typeof(WebhookSettingsResponse))]
[JsonSerializable(typeof(WebhookSettingsRequest))]
[JsonSerializable(typeof(WebhookSigningKeyResponse))]
[JsonSerializable(typeof(WebhookDeliveryResponse))]
[JsonSerializable(typeof(WebhookDeliveryListResponse))]
[JsonSerializable(typeof(WebhookDeliveryListQuery))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
public sealed partial class ContractsJsonContext : JsonSerializerContext
{
}
