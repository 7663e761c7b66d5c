using Tributary.Core.Ports;

namespace Tributary.Storage.Tests;

/// <summary>What the PostgreSQL staging-table tests share: the session's staging table's identity and a small record.</summary>
internal static class StagingTestData
{
    /// <summary>The oid of this session's <c>records_stage</c>, 0 when the session has none.</summary>
    public const string StageOid = "SELECT coalesce(to_regclass('pg_temp.records_stage')::oid::bigint, 0)";

    public static PreparedRecord Record(string id, string name) =>
        new(id, $"{{\"id\":\"{id}\",\"name\":\"{name}\"}}", $"hash-{name}");
}
