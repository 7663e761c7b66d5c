namespace Tributary.Storage.Sql;

/// <summary>
/// The one rule every verb (<c>serve</c>, <c>migrate</c>, <c>deploy</c>, <c>keys</c>) uses to pick its database: a
/// PostgreSQL connection string or URL when one is given, else SQLite in the data folder.
/// </summary>
public static class DatabaseFactory
{
    /// <summary>The SQLite file's name inside the data folder.</summary>
    public const string SqliteFileName = "tributary.db";

    /// <summary>Where the SQLite database of <paramref name="dataDir"/> lives.</summary>
    public static string SqlitePath(string dataDir) => Path.Combine(dataDir, SqliteFileName);

    /// <summary>Whether <paramref name="databaseUrl"/> selects SQLite: missing, empty or only whitespace.</summary>
    public static bool SelectsSqlite(string? databaseUrl) => string.IsNullOrWhiteSpace(databaseUrl);

    /// <summary>Opens the database <paramref name="databaseUrl"/> names, or SQLite in <paramref name="dataDir"/>.</summary>
    public static Database Open(string? databaseUrl, string dataDir) =>
        SelectsSqlite(databaseUrl) ? Database.Sqlite(SqlitePath(dataDir)) : Database.Postgres(databaseUrl!);
}
