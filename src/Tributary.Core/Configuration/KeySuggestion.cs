namespace Tributary.Core.Configuration;

/// <summary>Finds the known key a misspelt one was probably meant to be.</summary>
internal static class KeySuggestion
{
    // Two edits catch transpositions and a dropped or doubled letter without suggesting unrelated keys.
    private const int MaxDistance = 2;

    public static string? Closest(string key, IReadOnlyList<string> knownKeys)
    {
        string? best = null;
        var bestDistance = MaxDistance + 1;
        foreach (var candidate in knownKeys)
        {
            var distance = Distance(key.ToLowerInvariant(), candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    // Levenshtein distance with a single rolling row.
    private static int Distance(string source, string target)
    {
        var row = new int[target.Length + 1];
        for (var j = 0; j <= target.Length; j++)
        {
            row[j] = j;
        }

        for (var i = 1; i <= source.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= target.Length; j++)
            {
                var above = row[j];
                var substitution = diagonal + (source[i - 1] == target[j - 1] ? 0 : 1);
                row[j] = Math.Min(Math.Min(above + 1, row[j - 1] + 1), substitution);
                diagonal = above;
            }
        }

        return row[target.Length];
    }
}
