using System.Globalization;

namespace Tributary.Sdk.Paging;

/// <summary>
/// How to page through one endpoint. Every setting is optional so that a call can name only what differs from the
/// provider's default (<see cref="SyncContext.ProviderPagination"/>, from the template's <c>proxy.paginate</c>):
/// <see cref="WithDefaults"/> fills the unset ones, as Nango merges <c>{...template, ...call}</c>.
/// </summary>
/// <remarks>The names mirror Nango's <c>proxy.paginate</c> fields; <see cref="FromTemplate"/> reads them as written.</remarks>
public sealed record PaginationOptions
{
    /// <summary>The default bound on pages per pagination: far above any real sync's page count, low enough to stop a loop.</summary>
    public const int DefaultMaxPages = 10_000;

    /// <summary>The pagination's shape (<c>type</c>); required after merging with the defaults.</summary>
    public PaginationType? Type { get; init; }

    /// <summary>Dotted path of the next cursor in the body (<c>cursor_path_in_response</c>), e.g. <c>paging.next.after</c>.</summary>
    public string? CursorPathInResponse { get; init; }

    /// <summary>Request parameter the cursor is sent in (<c>cursor_name_in_request</c>), e.g. <c>after</c>.</summary>
    public string? CursorNameInRequest { get; init; }

    /// <summary>The <c>rel</c> of the next page in the <c>Link</c> header (<c>link_rel_in_response_header</c>); <c>next</c> when unset.</summary>
    public string? LinkRelInResponseHeader { get; init; }

    /// <summary>Dotted path of the next page's URL in the body (<c>link_path_in_response_body</c>); the <c>Link</c> header is read when unset.</summary>
    public string? LinkPathInResponseBody { get; init; }

    /// <summary>Request parameter the offset or page number is sent in (<c>offset_name_in_request</c>).</summary>
    public string? OffsetNameInRequest { get; init; }

    /// <summary>The first offset (<c>offset_start_value</c>); 0 when unset. Page-number APIs usually start at 1.</summary>
    public int? OffsetStartValue { get; init; }

    /// <summary>How the offset advances (<c>offset_calculation_method</c>); <see cref="OffsetCalculation.ByResponseSize"/> when unset.</summary>
    public OffsetCalculation? OffsetCalculationMethod { get; init; }

    /// <summary>Request parameter the page size is sent in (<c>limit_name_in_request</c>), e.g. <c>per_page</c>.</summary>
    public string? LimitNameInRequest { get; init; }

    /// <summary>
    /// The page size to ask for (<c>limit</c>); sent only with <see cref="LimitNameInRequest"/>. With an offset
    /// pagination a page shorter than this is the last one.
    /// </summary>
    public int? Limit { get; init; }

    /// <summary>Dotted path of the items array in the body (<c>response_path</c>), e.g. <c>results</c>; the body itself when unset.</summary>
    public string? ResponsePath { get; init; }

    /// <summary>
    /// The most pages one pagination may request (<see cref="DefaultMaxPages"/> when unset). A provider that still has a
    /// next page after that many gets a <see cref="PaginationException"/>, not a silent truncation.
    /// </summary>
    public int? MaxPages { get; init; }

    /// <summary>
    /// Options from a provider template's <c>proxy.paginate</c> block: its <c>type</c> (<c>cursor</c>, <c>link</c>,
    /// <c>offset</c>) and its other fields as written (<c>cursor_path_in_response</c>, <c>limit_name_in_request</c>, …).
    /// Fields this SDK does not follow (<c>in_body</c>, <c>on_page</c>) are ignored.
    /// </summary>
    /// <exception cref="ArgumentException">The type is unknown, or a numeric or enumerated field has a value it cannot have.</exception>
    public static PaginationOptions FromTemplate(string type, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(settings);
        return new PaginationOptions
        {
            Type = type switch
            {
                "cursor" => PaginationType.Cursor,
                "link" => PaginationType.Link,
                "offset" => PaginationType.Offset,
                _ => throw new ArgumentException($"proxy.paginate.type: '{type}' is not one of cursor, link, offset.", nameof(type)),
            },
            CursorPathInResponse = settings.GetValueOrDefault("cursor_path_in_response"),
            CursorNameInRequest = settings.GetValueOrDefault("cursor_name_in_request"),
            LinkRelInResponseHeader = settings.GetValueOrDefault("link_rel_in_response_header"),
            LinkPathInResponseBody = settings.GetValueOrDefault("link_path_in_response_body"),
            OffsetNameInRequest = settings.GetValueOrDefault("offset_name_in_request"),
            OffsetStartValue = Number(settings, "offset_start_value", 0),
            OffsetCalculationMethod = settings.GetValueOrDefault("offset_calculation_method") switch
            {
                null => null,
                "by-response-size" => OffsetCalculation.ByResponseSize,
                "per-page" => OffsetCalculation.PerPage,
                var other => throw new ArgumentException($"proxy.paginate.offset_calculation_method: '{other}' is not one of by-response-size, per-page.", nameof(settings)),
            },
            LimitNameInRequest = settings.GetValueOrDefault("limit_name_in_request"),
            Limit = Number(settings, "limit", 1),
            ResponsePath = settings.GetValueOrDefault("response_path"),
        };
    }

    /// <summary>
    /// These options over <paramref name="defaults"/>: each setting left unset here takes the default's value. A call
    /// that names another <see cref="Type"/> than the default takes none of the default's settings, because they
    /// describe another shape.
    /// </summary>
    public PaginationOptions WithDefaults(PaginationOptions? defaults)
    {
        if (defaults is null || (Type is { } own && defaults.Type is { } theirs && own != theirs))
        {
            return this;
        }

        return new PaginationOptions
        {
            Type = Type ?? defaults.Type,
            CursorPathInResponse = CursorPathInResponse ?? defaults.CursorPathInResponse,
            CursorNameInRequest = CursorNameInRequest ?? defaults.CursorNameInRequest,
            LinkRelInResponseHeader = LinkRelInResponseHeader ?? defaults.LinkRelInResponseHeader,
            LinkPathInResponseBody = LinkPathInResponseBody ?? defaults.LinkPathInResponseBody,
            OffsetNameInRequest = OffsetNameInRequest ?? defaults.OffsetNameInRequest,
            OffsetStartValue = OffsetStartValue ?? defaults.OffsetStartValue,
            OffsetCalculationMethod = OffsetCalculationMethod ?? defaults.OffsetCalculationMethod,
            LimitNameInRequest = LimitNameInRequest ?? defaults.LimitNameInRequest,
            Limit = Limit ?? defaults.Limit,
            ResponsePath = ResponsePath ?? defaults.ResponsePath,
            MaxPages = MaxPages ?? defaults.MaxPages,
        };
    }

    /// <summary>A page-number pagination: <paramref name="parameter"/> counts pages from <paramref name="firstPage"/>.</summary>
    public static PaginationOptions PageNumber(string parameter, int firstPage = 1) => new()
    {
        Type = PaginationType.Offset,
        OffsetNameInRequest = parameter,
        OffsetStartValue = firstPage,
        OffsetCalculationMethod = OffsetCalculation.PerPage,
    };

    /// <summary>Checks that the merged options describe a pagination that can run (Nango's rules, §C.8).</summary>
    /// <exception cref="ArgumentException">What is missing or out of range.</exception>
    internal void Validate()
    {
        switch (Type)
        {
            case null:
                throw new ArgumentException("Pagination has no type: set PaginationOptions.Type, or give the provider a proxy.paginate default.");
            case PaginationType.Cursor when string.IsNullOrEmpty(CursorPathInResponse) || string.IsNullOrEmpty(CursorNameInRequest):
                throw new ArgumentException("A cursor pagination needs CursorPathInResponse (cursor_path_in_response) and CursorNameInRequest (cursor_name_in_request).");
            case PaginationType.Offset when string.IsNullOrEmpty(OffsetNameInRequest):
                throw new ArgumentException("An offset pagination needs OffsetNameInRequest (offset_name_in_request).");
        }

        if (Limit is <= 0)
        {
            throw new ArgumentException($"Pagination limit must be positive, not {Limit}.");
        }

        if (MaxPages is <= 0)
        {
            throw new ArgumentException($"Pagination MaxPages must be positive, not {MaxPages}.");
        }
    }

    private static int? Number(IReadOnlyDictionary<string, string> settings, string name, int minimum)
    {
        if (!settings.TryGetValue(name, out var text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new ArgumentException($"proxy.paginate.{name}: '{text}' is not a whole number of at least {minimum}.", nameof(settings));
    }
}
