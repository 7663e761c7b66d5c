namespace Tributary.Client;

/// <summary>
/// One growable byte array that a <see cref="RecordReader"/> reads each page's body into, reused page after page.
/// </summary>
/// <remarks>
/// <c>JsonDocument.ParseAsync</c> over the response stream rents a small buffer and doubles it, copying, until a
/// ~1.2 MB page fits: about twice the page in copies on every page. Reading into an array that already has the size
/// of the last page costs one copy, and the client's parse is CPU taken from the server on a shared machine (B12).
/// The array lives as long as the reader, which has two and alternates them: the next page is read into one while
/// the page in the other is parsed, and a page's records are copied out by its parse before its buffer is read into
/// again, so reusing them is safe.
/// </remarks>
internal sealed class PageBuffer
{
    private const int InitialSize = 64 * 1024;
    private byte[] _bytes = [];

    /// <summary>Reads <paramref name="body"/> to its end and answers the bytes read (valid until the next call).</summary>
    public async Task<ReadOnlyMemory<byte>> ReadAllAsync(Stream body, CancellationToken cancellationToken)
    {
        if (_bytes.Length == 0)
        {
            _bytes = new byte[InitialSize];
        }

        var length = 0;
        while (true)
        {
            if (length == _bytes.Length)
            {
                Array.Resize(ref _bytes, checked(_bytes.Length * 2));
            }

            var read = await body.ReadAsync(_bytes.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return _bytes.AsMemory(0, length);
            }

            length += read;
        }
    }
}
