package vault

import (
	"encoding/hex"
	"errors"
	"strings"

	"kim/internal/platform/seal"
)

// MasterKeyEnv is the environment variable that may hold the master key (64 hex characters)
// instead of a key file, for platforms that hand secrets to a process through its environment.
// A key file (KIM_KEY_FILE) is preferable where possible: the environment of a process is
// readable by its owner through /proc and is often copied into crash reports and child processes.
const MasterKeyEnv = "KIM_MASTER_KEY"

// MasterKeyFromEnv returns the master key held in KIM_MASTER_KEY, or nil and no error when the
// variable is unset or empty. A value that is not 64 hex characters is an error; the message
// never repeats the value.
func MasterKeyFromEnv(getenv func(string) string) (*seal.Keys, error) {
	v := strings.TrimSpace(getenv(MasterKeyEnv))
	if v == "" {
		return nil, nil
	}
	if len(v) != 2*seal.KeySize {
		return nil, errors.New(MasterKeyEnv + ": expects 64 hex characters (32 bytes)")
	}
	raw, err := hex.DecodeString(v)
	if err != nil {
		return nil, errors.New(MasterKeyEnv + ": expects 64 hex characters (32 bytes)")
	}
	return seal.New(raw)
}
