using Tributary.Core.Configuration;
using YamlDotNet.Core;

namespace Tributary.Core.Tests.Configuration;

public class YamlTreeReaderTests
{
    [Fact]
    public void ReadDocuments_EmptyText_HasNoDocuments()
    {
        Assert.Empty(YamlTreeReader.ReadDocuments(""));
    }

    [Fact]
    public void ReadDocuments_DuplicateKeys_AreKept()
    {
        var root = Assert.IsType<YamlTreeMapping>(Assert.Single(YamlTreeReader.ReadDocuments("a: 1\nb: 2\na: 3\n")));

        Assert.Equal(["a", "b", "a"], root.Entries.Select(entry => ((YamlTreeScalar)entry.Key).Value));
        Assert.Equal([1, 2, 3], root.Entries.Select(entry => entry.Value.Line));
    }

    [Fact]
    public void ReadDocuments_Nodes_CarryOneBasedLines()
    {
        var root = Assert.IsType<YamlTreeMapping>(Assert.Single(YamlTreeReader.ReadDocuments("# comment\nlist:\n  - x\n  - y\n")));

        var list = Assert.IsType<YamlTreeSequence>(Assert.Single(root.Entries).Value);
        Assert.Equal(2, root.Line);
        Assert.Equal([3, 4], list.Items.Select(item => item.Line));
    }

    [Theory]
    [InlineData("a:", true)]
    [InlineData("a: ~", true)]
    [InlineData("a: null", true)]
    [InlineData("a: Null", true)]
    [InlineData("a: NULL", true)]
    [InlineData("a: ''", false)]
    [InlineData("a: 'null'", false)]
    [InlineData("a: \"~\"", false)]
    [InlineData("a: nil", false)]
    public void ReadDocuments_Scalar_IsNullOnlyForCoreSchemaPlainNulls(string yaml, bool expected)
    {
        var root = Assert.IsType<YamlTreeMapping>(Assert.Single(YamlTreeReader.ReadDocuments(yaml)));

        Assert.Equal(expected, Assert.IsType<YamlTreeScalar>(Assert.Single(root.Entries).Value).IsNull);
    }

    [Theory]
    [InlineData("a: &x 1\nb: *x\n")]
    [InlineData("a: &x [1, 2]\nb: *x\n")]
    [InlineData("a: &x { c: 1 }\nb: *x\n")]
    public void ReadDocuments_Alias_IsTheAnchoredNode(string yaml)
    {
        var root = Assert.IsType<YamlTreeMapping>(Assert.Single(YamlTreeReader.ReadDocuments(yaml)));

        Assert.Same(root.Entries[0].Value, root.Entries[1].Value);
    }

    [Fact]
    public void ReadDocuments_AliasBeforeAnchor_Throws()
    {
        var exception = Assert.Throws<AnchorNotFoundException>(() => YamlTreeReader.ReadDocuments("a: *x\nb: &x 1\n"));

        Assert.Equal(1, exception.Start.Line);
    }

    [Fact]
    public void ReadDocuments_ScannerFailure_BecomesAYamlException()
    {
        Assert.ThrowsAny<YamlException>(() => YamlTreeReader.ReadDocuments("a: [1\nb: 2\n"));
    }
}
