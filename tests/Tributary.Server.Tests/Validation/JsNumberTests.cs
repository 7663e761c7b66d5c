using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class JsNumberTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData(" 42 ", 42)]
    [InlineData("-5", -5)]
    [InlineData("+5", 5)]
    [InlineData("1e3", 1000)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5)]
    [InlineData("0x1F", 31)]
    [InlineData("0b101", 5)]
    [InlineData("0o17", 15)]
    public void FromString_NumericText_ConvertsLikeJavaScript(string text, double expected)
    {
        Assert.Equal(expected, JsNumber.FromString(text));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1_000")]
    [InlineData("12px")]
    [InlineData("0x")]
    [InlineData("0xG")]
    [InlineData("-0x10")]
    [InlineData(".")]
    [InlineData("1e")]
    public void FromString_NonNumericText_IsNaN(string text)
    {
        Assert.True(double.IsNaN(JsNumber.FromString(text)));
    }

    [Theory]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    public void FromString_Infinity_IsInfinite(string text, double expected)
    {
        Assert.Equal(expected, JsNumber.FromString(text));
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData("\"8\"", 8)]
    [InlineData("true", 1)]
    [InlineData("false", 0)]
    [InlineData("null", 0)]
    [InlineData("1e400", double.PositiveInfinity)]
    public void FromJson_Primitive_ConvertsLikeJavaScript(string json, double expected)
    {
        Assert.Equal(expected, JsNumber.FromJson(TestInput.Json(json)));
    }

    [Theory]
    [InlineData("[5]")]
    [InlineData("{}")]
    public void FromJson_ArrayOrObject_IsNaN(string json)
    {
        Assert.True(double.IsNaN(JsNumber.FromJson(TestInput.Json(json))));
    }
}
