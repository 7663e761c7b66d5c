namespace Tributary.Sdk.Paging;

/// <summary>How an API hands out its next page (Nango's <c>proxy.paginate.type</c>).</summary>
public enum PaginationType
{
    /// <summary>
    /// A cursor in the response body (<see cref="PaginationOptions.CursorPathInResponse"/>) is sent back as a request
    /// parameter (<see cref="PaginationOptions.CursorNameInRequest"/>), e.g. HubSpot's <c>paging.next.after</c> → <c>after</c>.
    /// </summary>
    Cursor,

    /// <summary>
    /// The next page's URL is in the <c>Link</c> header (<c>rel="next"</c>, as GitHub) or at a path in the body
    /// (<see cref="PaginationOptions.LinkPathInResponseBody"/>, e.g. Microsoft Graph's <c>@odata.nextLink</c>).
    /// </summary>
    Link,

    /// <summary>
    /// An offset parameter (<see cref="PaginationOptions.OffsetNameInRequest"/>) advanced by the page's length, or by one
    /// per page for page-number APIs (<see cref="OffsetCalculation.PerPage"/>).
    /// </summary>
    Offset,
}

/// <summary>How an <see cref="PaginationType.Offset"/> pagination advances (Nango's <c>offset_calculation_method</c>).</summary>
public enum OffsetCalculation
{
    /// <summary>By the number of items the page held (<c>by-response-size</c>, the default).</summary>
    ByResponseSize,

    /// <summary>By one per page: the parameter is a page number (<c>per-page</c>).</summary>
    PerPage,
}
