using System.Text;
using Tributary.Client;

namespace Tributary.Cli.Tests.Client;

/// <summary>
/// The next cursor read from a page's last bytes: only the exact tail the server writes is accepted; anything that
/// might be inside a string or is not the page's last member answers false (the reader then waits for the parse).
/// </summary>
public sealed class PageTailTests
{
    [Theory]
    [InlineData("""{"records":[{"id":"1"}],"next_cursor":"MTIz"}""", "MTIz")]
    [InlineData("{\"records\":[],\n  \"next_cursor\" : \"a-b_c=\" }\n", "a-b_c=")]
    [InlineData("""{"next_cursor":"only"}""", "only")]
    [InlineData("""{"records":[{"id":"1"}],"next_cursor":""}""", "")]
    [InlineData("""{"records":[{"id":"é"}],"next_cursor":"é✓"}""", "é✓")]
    public void TheServersTail_NamesTheNextCursor(string body, string expected)
    {
        Assert.True(PageTail.TryReadNextCursor(Encoding.UTF8.GetBytes(body), out var next));
        Assert.Equal(expected, next);
    }

    [Fact]
    public void ALastPage_NamesNoCursor()
    {
        Assert.True(PageTail.TryReadNextCursor("""{"records":[{"id":"1"}],"next_cursor":null}"""u8, out var next));
        Assert.Null(next);
    }

    [Theory]
    [InlineData("""{"next_cursor":"c","records":[{"id":"1"}]}""")] // not the last member
    [InlineData("""{"records":[{"id":"1","note":"x\",\"next_cursor\":\"forged"}]}""")] // inside an escaped string
    [InlineData("""{"records":[{"id":"1"}],"next_cursor":"with\"quote"}""")] // an escape in the value
    [InlineData("""{"records":[{"id":"1"}],"next_cursor":"c"}garbage""")] // not an object's end
    [InlineData("""{"records":[{"id":"1"}],"xnext_cursor":"c"}""")] // another key
    [InlineData("""{"records":[{"id":"1"}],"next_cursor":12}""")] // not a string
    [InlineData("""{"records":[{"id":"1"}],"a":{"next_cursor":"c"}}""")] // a nested object's member
    [InlineData("""["next_cursor":"c"}""")] // no object member before it
    [InlineData("")]
    [InlineData("}")]
    [InlineData("\"}")]
    public void AnyOtherTail_IsNotGuessed(string body)
    {
        Assert.False(PageTail.TryReadNextCursor(Encoding.UTF8.GetBytes(body), out var next));
        Assert.Null(next);
    }
}
