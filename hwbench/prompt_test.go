package hwbench

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFiller(t *testing.T) {
	for _, n := range []int{0, 1, 7, 512, 4096} {
		s := Filler(n, 3)
		assert.Len(t, s, n)
		assert.Equal(t, s, Filler(n, 3), "the same seed gives the same text")
		for i := 0; i < len(s); i++ {
			require.True(t, s[i] >= ' ' && s[i] <= '~', "byte %d of %q is not printable ASCII", i, s)
		}
	}
	assert.NotEqual(t, Filler(200, 1), Filler(200, 2))
	assert.Greater(t, len(strings.Fields(Filler(1000, 1))), 100, "prose-like: many short words")
}

func TestNonce(t *testing.T) {
	a, b := Nonce(), Nonce()
	assert.Len(t, a, NonceLen)
	assert.NotEqual(t, a, b)
}

func TestCalibration(t *testing.T) {
	// lim's tiny model: one token per byte, 19 template tokens.
	c, err := Calibrate(256, 256+19, 1280, 1280+19)
	require.NoError(t, err)
	assert.True(t, c.ByteLevel())
	assert.Equal(t, 0, c.Tolerance(4096))
	p, err := c.Prompt(512, Nonce(), "", 1)
	require.NoError(t, err)
	assert.Len(t, p, 512-19)
	p, err = c.Prompt(4096, "", "\n\nCount.", 1)
	require.NoError(t, err)
	assert.Len(t, p, 4096-19)
	assert.True(t, strings.HasSuffix(p, "\n\nCount."))
	require.NoError(t, c.CheckPromptTokens(4096, 4096))
	err = c.CheckPromptTokens(4096, 4095)
	require.Error(t, err, "a byte-level count must match exactly")
	assert.Contains(t, err.Error(), "LIM_HW_NUM_CTX")

	// A real tokenizer: about 4.3 bytes a token, 7 template tokens.
	c, err = Calibrate(256, 7+60, 1280, 7+298)
	require.NoError(t, err)
	assert.False(t, c.ByteLevel())
	assert.Equal(t, 409, c.Tolerance(4096))
	require.NoError(t, c.CheckPromptTokens(4096, 4000))
	assert.Error(t, c.CheckPromptTokens(4096, 2048), "a truncated prompt fails")
	p, err = c.Prompt(1000, Nonce(), "", 1)
	require.NoError(t, err)
	assert.InDelta(t, (1000-7)*1024/238, len(p), 2)

	_, err = Calibrate(256, 100, 1280, 100)
	assert.Error(t, err, "a longer prompt that counts no more tokens")
	_, err = c.Prompt(5, Nonce(), "", 1)
	assert.Error(t, err, "a target shorter than the template")

	none := Calibration{}
	require.NoError(t, none.CheckPromptTokens(4096, 1), "no counts, nothing to check")
	p, err = none.Prompt(100, "", "", 1)
	require.NoError(t, err)
	assert.Len(t, p, 400, "4 bytes a token when the server reports no counts")
}
