package survey

import "fmt"

func errNotYet(what string) error {
	return fmt.Errorf("%s are not available in this build of package lensing", what)
}
