using System.Text;

namespace Tributary.Core.Webhooks;

/// <summary>
/// The builder a webhook body is written into: one per thread, as a body is rendered on the worker thread that
/// finished the run; a builder grown by an unusually large body (a function's checkpoint) is not kept.
/// </summary>
internal static class BodyText
{
    private const int MaxKeptCapacity = 8 * 1024;

    [ThreadStatic]
    private static StringBuilder? t_text;

    /// <summary>An empty builder; give it back with <see cref="Finish"/>.</summary>
    public static StringBuilder Rent()
    {
        var text = t_text ?? new StringBuilder(512);
        t_text = null;
        text.Clear();
        return text;
    }

    /// <summary>The body written into <paramref name="text"/>; the builder is kept for the thread's next body.</summary>
    public static string Finish(StringBuilder text)
    {
        var body = text.ToString();
        if (text.Capacity <= MaxKeptCapacity)
        {
            t_text = text;
        }

        return body;
    }
}
