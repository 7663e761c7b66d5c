namespace Tributary.Core;
