package main

import (
	"context"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Health is what a health script returns.
type Health struct {
	Status  string
	Message string
}

var healthStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true, "Missing": true, "Unknown": true,
}

// runHealthScript runs script with the global obj set to object, in the sandbox Argo CD gives
// resource customizations, and reads the returned {status, message}.
func runHealthScript(object map[string]interface{}, script string, openLibs bool) (Health, error) {
	L := lua.NewState(lua.Options{SkipOpenLibs: !openLibs})
	defer L.Close()
	if !openLibs {
		for _, lib := range []struct {
			name string
			open lua.LGFunction
		}{
			{lua.LoadLibName, lua.OpenPackage},
			{lua.BaseLibName, lua.OpenBase},
			{lua.TabLibName, lua.OpenTable},
		} {
			if err := L.CallByParam(lua.P{Fn: L.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
				return Health{}, fmt.Errorf("opening the Lua %q library: %w", lib.name, err)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	L.SetContext(ctx)
	L.SetGlobal("obj", luaValue(L, object))
	if err := L.DoString(script); err != nil {
		return Health{}, fmt.Errorf("the health script failed: %w", err)
	}
	returned, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		return Health{}, fmt.Errorf("expect table output from Lua script, not %s", L.Get(-1).Type())
	}
	status, err := stringField(returned, "status")
	if err != nil {
		return Health{}, err
	}
	message, err := stringField(returned, "message")
	if err != nil {
		return Health{}, err
	}
	if !healthStatuses[status] {
		return Health{Status: "Unknown", Message: "Lua returned an invalid health status"}, nil
	}
	return Health{Status: status, Message: message}, nil
}

func stringField(table *lua.LTable, field string) (string, error) {
	switch value := table.RawGetString(field).(type) {
	case lua.LString:
		return string(value), nil
	case *lua.LNilType:
		return "", nil
	default:
		return "", fmt.Errorf("the health script returned %s = %s (a %s), expected a string", field, value.String(), value.Type())
	}
}

// luaValue converts a decoded JSON value (unstructured content) to Lua: maps become tables with
// string keys, lists 1-based tables, every number a Lua number.
func luaValue(L *lua.LState, value interface{}) lua.LValue {
	switch v := value.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	case int64:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case int:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	case []interface{}:
		table := L.CreateTable(len(v), 0)
		for _, item := range v {
			table.Append(luaValue(L, item))
		}
		return table
	case map[string]interface{}:
		table := L.CreateTable(0, len(v))
		for key, item := range v {
			table.RawSetString(key, luaValue(L, item))
		}
		return table
	default:
		return lua.LNil
	}
}
