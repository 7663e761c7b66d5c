using System.Text.Json.Serialization;

namespace Tributary.Storage.Sql;

[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<long>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class SqlJson : JsonSerializerContext
{
}
