using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Tributary.Core.Configuration;

/// <summary>Builds <see cref="YamlTreeNode"/> documents from YamlDotNet's parser events.</summary>
internal static class YamlTreeReader
{
    /// <summary>Reads every document of the stream; an empty stream has none.</summary>
    /// <exception cref="YamlException">The text is not well-formed YAML.</exception>
    public static IReadOnlyList<YamlTreeNode> ReadDocuments(string text)
    {
        var parser = new Parser(new StringReader(text));
        var documents = new List<YamlTreeNode>();
        try
        {
            parser.Consume<StreamStart>();
            while (!parser.TryConsume<StreamEnd>(out _))
            {
                parser.Consume<DocumentStart>();
                documents.Add(ReadNode(parser, []));
                parser.Consume<DocumentEnd>();
            }
        }
        catch (InvalidOperationException exception)
        {
            // YamlDotNet's scanner throws this instead of a YamlException on some malformed input
            // (an unclosed flow sequence, for one); the last event read is the best position we have.
            var mark = parser.Current?.End ?? Mark.Empty;
            throw new YamlException(mark, mark, "the parser stopped here; look for an unclosed bracket or quote", exception);
        }

        return documents;
    }

    private static YamlTreeNode ReadNode(IParser parser, Dictionary<AnchorName, YamlTreeNode> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value, out var target)
                ? target
                : throw new AnchorNotFoundException(alias.Start, alias.End, $"the alias *{alias.Value} refers to no anchor defined before it");
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            return Remember(anchors, scalar, new YamlTreeScalar(LineOf(scalar), scalar.Value, scalar.Style == ScalarStyle.Plain));
        }

        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            var items = new List<YamlTreeNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(parser, anchors));
            }

            return Remember(anchors, sequenceStart, new YamlTreeSequence(LineOf(sequenceStart), items));
        }

        var mappingStart = parser.Consume<MappingStart>();
        var entries = new List<YamlTreeEntry>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var key = ReadNode(parser, anchors);
            var value = ReadNode(parser, anchors);
            entries.Add(new YamlTreeEntry(key, value));
        }

        return Remember(anchors, mappingStart, new YamlTreeMapping(LineOf(mappingStart), entries));
    }

    private static YamlTreeNode Remember(Dictionary<AnchorName, YamlTreeNode> anchors, NodeEvent nodeEvent, YamlTreeNode node)
    {
        if (!nodeEvent.Anchor.IsEmpty)
        {
            anchors[nodeEvent.Anchor] = node;
        }

        return node;
    }

    private static int LineOf(ParsingEvent parsingEvent) => (int)parsingEvent.Start.Line;
}
