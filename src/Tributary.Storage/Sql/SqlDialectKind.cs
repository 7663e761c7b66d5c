namespace Tributary.Storage.Sql;

/// <summary>The two databases Tributary runs on.</summary>
public enum SqlDialectKind
{
    Sqlite,
    Postgres,
}
