# The unique-key cases of Elixir's lib/elixir/test/elixir/registry_test.exs (v1.14.0) that the runtime ports: the
# "unique with 1 partition" block, the file-level tests, and the doctests of Registry on unique registries. Each
# returns what the upstream test asserts on; `elixir registry_test.exs` prints one JSON line a case and
# ../run-beam.ts compares them with ../registry.expected.ts. An Agent becomes a GenServer in the runtime.
Code.require_file("support.exs", __DIR__)

defmodule RegistryTest.Cases do
  def cases do
    [
      {"unique with 1 partition counts 0 keys in an empty registry", &counts_0_keys/0},
      {"unique with 1 partition counts the number of keys in a registry", &counts_keys/0},
      {"unique with 1 partition has unique registrations", &unique_registrations/0},
      {"unique with 1 partition has unique registrations across processes", &across_processes/0},
      {"unique with 1 partition supports match patterns", &match_patterns/0},
      {"unique with 1 partition supports guard conditions", &guard_conditions/0},
      {"unique with 1 partition count_match supports match patterns", &count_match_patterns/0},
      {"unique with 1 partition count_match supports guard conditions", &count_match_guards/0},
      {"unique with 1 partition unregister_match supports patterns", &unregister_match_patterns/0},
      {"unique with 1 partition unregister_match supports guards", &unregister_match_guards/0},
      {"unique with 1 partition unregister_match supports tricky keys", &unregister_match_tricky_keys/0},
      {"unique with 1 partition updates current process value", &updates_value/0},
      {"unique with 1 partition dispatches to a single key", &dispatches/0},
      {"unique with 1 partition unregisters process by key", &unregisters_by_key/0},
      {"unique with 1 partition unregisters with no entries", &unregisters_no_entries/0},
      {"unique with 1 partition unregisters with tricky keys", &unregisters_tricky_keys/0},
      {"unique with 1 partition links and unlinks on register/unregister", &links_and_unlinks/0},
      {"unique with 1 partition raises on unknown registry name", &unknown_registry/0},
      {"unique with 1 partition via callbacks", &via_callbacks/0},
      {"unique with 1 partition uses value provided in via", &value_in_via/0},
      {"unique with 1 partition empty list for empty registry", &empty_select/0},
      {"unique with 1 partition select all", &select_all/0},
      {"unique with 1 partition select supports full match specs", &select_full_specs/0},
      {"unique with 1 partition select supports guard conditions", &select_guards/0},
      {"unique with 1 partition select allows multiple specs", &select_multiple_specs/0},
      {"unique with 1 partition select raises on incorrect shape of match spec", &select_bad_spec/0},
      {"unique with 1 partition count_select supports match specs", &count_select_specs/0},
      {"unique with 1 partition count_select supports guard conditions", &count_select_guards/0},
      {"unique with 1 partition count_select allows multiple specs", &count_select_multiple_specs/0},
      {"unique with 1 partition count_select raises on incorrect shape of match spec", &count_select_bad_spec/0},
      {"child_spec/1 uses :name as :id", &child_spec_id/0},
      {"raises if :name is missing", &name_missing/0},
      {"raises if :name is not an atom", &name_not_an_atom/0},
      {"unregistration on crash with {registry, key, value} via tuple", &unregistration_on_crash/0},
      {"send works", &send_works/0},
      {"send works with value", &send_works_with_value/0},
      {"doctest Registry.update_value/3 (1)", &doctest_update_value/0},
      {"doctest Registry.lookup/2 (2)", &doctest_lookup/0},
      {"doctest Registry.keys/2 (5)", &doctest_keys/0},
      {"doctest Registry.values/3 (7)", &doctest_values/0},
      {"doctest Registry.unregister/2 (9)", &doctest_unregister/0},
      {"doctest Registry.unregister_match/4 (11)", &doctest_unregister_match/0},
      {"doctest Registry.register/3 (13)", &doctest_register/0},
      {"doctest Registry.meta/2 (15)", &doctest_meta/0},
      {"doctest Registry.put_meta/3 (16)", &doctest_put_meta/0},
      {"doctest Registry.delete_meta/2 (17)", &doctest_delete_meta/0},
      {"doctest Registry.count/1 (18)", &doctest_count/0},
      {"doctest Registry.select/2 (21)", &doctest_select_all/0},
      {"doctest Registry.select/2 (22)", &doctest_select_keys/0},
      {"doctest Registry.count_select/2 (23)", &doctest_count_select/0}
    ]
  end

  # A registry of its own for each case, as the upstream setup names one after the test.
  defp registry(opts \\ []) do
    name = :"registry_#{System.unique_integer([:positive])}"
    {:ok, _} = Registry.start_link([keys: :unique, name: name] ++ opts)
    name
  end

  defp register_task(registry, key, value) do
    parent = self()

    {:ok, task} =
      Task.start(fn ->
        send(parent, Registry.register(registry, key, value))
        Process.sleep(:infinity)
      end)

    receive do: ({:ok, owner} -> {owner, task})
  end

  defp raises(fun) do
    try do
      fun.()
      "no_raise"
    rescue
      ArgumentError -> "ArgumentError"
    end
  end

  # {:ok, pid} as ["ok", "#PID"], {:error, {:already_registered, pid}} with whether pid is `expected`.
  defp registered({:ok, pid}, _expected) when is_pid(pid), do: {:ok, pid}
  defp registered({:error, {:already_registered, pid}}, expected), do: {:error, {:already_registered, pid == expected}}

  def counts_0_keys, do: Registry.count(registry())

  def counts_keys do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", :value)
    {:ok, _} = Registry.register(registry, "world", :value)
    Registry.count(registry)
  end

  def unique_registrations do
    registry = registry()
    first = registered(Registry.register(registry, "hello", :value), self())
    keys = Registry.keys(registry, self())
    values = Registry.values(registry, "hello", self())
    second = registered(Registry.register(registry, "hello", :value), self())

    %{
      first: first,
      keys: keys,
      values: values,
      second: second,
      keys_after: Registry.keys(registry, self()),
      values_after: Registry.values(registry, "hello", self()),
      world: registered(Registry.register(registry, "world", :value), self()),
      all_keys: Registry.keys(registry, self()) |> Enum.sort()
    }
  end

  def across_processes do
    registry = registry()
    {_, task} = register_task(registry, "hello", :value)

    %{
      task_keys: Registry.keys(registry, task),
      task_values: Registry.values(registry, "hello", task),
      register: registered(Registry.register(registry, "hello", :recent), task),
      keys: Registry.keys(registry, self()),
      values: Registry.values(registry, "hello", self())
    }
  end

  # [pid is self, value] entries.
  defp entries(list), do: for({pid, value} <- list, do: [pid == self(), value])

  def match_patterns do
    registry = registry()
    value = {1, :atom, 1}
    {:ok, _} = Registry.register(registry, "hello", value)
    value2 = %{a: "a", b: "b"}
    first = entries(Registry.match(registry, "hello", {1, :_, :_}))
    atom = entries(Registry.match(registry, "hello", {:_, :atom, :_}))
    same = entries(Registry.match(registry, "hello", {:"$1", :_, :"$1"}))
    any = entries(Registry.match(registry, "hello", :_))
    tricky_key = entries(Registry.match(registry, :_, :_))
    {:ok, _} = Registry.register(registry, "world", value2)
    map = entries(Registry.match(registry, "world", %{b: "b"}))
    %{first: first, atom: atom, same: same, any: any, tricky_key: tricky_key, map: map}
  end

  def guard_conditions do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", {1, :atom, 2})

    %{
      greater_than_1: entries(Registry.match(registry, "hello", {:_, :_, :"$1"}, [{:>, :"$1", 1}])),
      greater_than_2: entries(Registry.match(registry, "hello", {:_, :_, :"$1"}, [{:>, :"$1", 2}])),
      is_atom: entries(Registry.match(registry, "hello", {:_, :"$1", :_}, [{:is_atom, :"$1"}]))
    }
  end

  def count_match_patterns do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", {1, :atom, 1})
    first = Registry.count_match(registry, "hello", {1, :_, :_})
    atom = Registry.count_match(registry, "hello", {:_, :atom, :_})
    same = Registry.count_match(registry, "hello", {:"$1", :_, :"$1"})
    any = Registry.count_match(registry, "hello", :_)
    tricky_key = Registry.count_match(registry, :_, :_)
    {:ok, _} = Registry.register(registry, "world", %{a: "a", b: "b"})
    %{first: first, atom: atom, same: same, any: any, tricky_key: tricky_key, map: Registry.count_match(registry, "world", %{b: "b"})}
  end

  def count_match_guards do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", {1, :atom, 2})

    [
      Registry.count_match(registry, "hello", {:_, :_, :"$1"}, [{:>, :"$1", 1}]),
      Registry.count_match(registry, "hello", {:_, :_, :"$1"}, [{:>, :"$1", 2}]),
      Registry.count_match(registry, "hello", {:_, :"$1", :_}, [{:is_atom, :"$1"}])
    ]
  end

  def unregister_match_patterns do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", {1, :atom, 1})
    Registry.unregister_match(registry, "hello", {2, :_, :_})
    kept = entries(Registry.lookup(registry, "hello"))
    Registry.unregister_match(registry, "hello", {:_, :atom, :_})
    %{kept: kept, removed: entries(Registry.lookup(registry, "hello"))}
  end

  def unregister_match_guards do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", {1, :atom, 1})
    Registry.unregister_match(registry, "hello", {:"$1", :_, :_}, [{:<, :"$1", 2}])
    Registry.lookup(registry, "hello")
  end

  def unregister_match_tricky_keys do
    registry = registry()
    {:ok, _} = Registry.register(registry, :_, :foo)
    {:ok, _} = Registry.register(registry, "hello", "b")
    Registry.unregister_match(registry, :_, :foo)
    %{lookup: Registry.lookup(registry, :_), keys: Registry.keys(registry, self()) |> Enum.sort()}
  end

  def updates_value do
    registry = registry()
    none = Registry.update_value(registry, "hello", &raise/1)
    register_task(registry, "hello", :value)
    other = Registry.update_value(registry, "hello", &raise/1)
    Registry.register(registry, "world", 1)
    before = entries(Registry.lookup(registry, "world"))
    updated = Registry.update_value(registry, "world", &(&1 + 1))
    %{no_entry: none, other_process: other, before: before, updated: updated, after: entries(Registry.lookup(registry, "world"))}
  end

  def dispatches do
    registry = registry()
    fun = fn _ -> raise "will never be invoked" end
    no_entries = Registry.dispatch(registry, "hello", fun)
    {:ok, _} = Registry.register(registry, "hello", :value)
    fun = fn [{pid, value}] -> send(pid, {:dispatch, value}) end
    dispatched = Registry.dispatch(registry, "hello", fun)
    %{no_entries: no_entries, dispatched: dispatched, received: Conformance.received?(&(&1 == {:dispatch, :value}), 0)}
  end

  def unregisters_by_key do
    registry = registry()
    first = Registry.unregister(registry, "hello")
    {:ok, _} = Registry.register(registry, "hello", :value)
    {:ok, _} = Registry.register(registry, "world", :value)
    both = Registry.keys(registry, self()) |> Enum.sort()
    :ok = Registry.unregister(registry, "hello")
    world = Registry.keys(registry, self())
    :ok = Registry.unregister(registry, "world")
    %{nothing_to_unregister: first, both: both, world: world, none: Registry.keys(registry, self())}
  end

  def unregisters_no_entries, do: Registry.unregister(registry(), "hello")

  def unregisters_tricky_keys do
    registry = registry()
    {:ok, _} = Registry.register(registry, :_, :foo)
    {:ok, _} = Registry.register(registry, "hello", "b")
    Registry.unregister(registry, :_)
    %{lookup: Registry.lookup(registry, :_), keys: Registry.keys(registry, self()) |> Enum.sort()}
  end

  def links_and_unlinks do
    registry = registry()
    linked? = fn pid -> pid in elem(Process.info(self(), :links), 1) end
    {:ok, pid} = Registry.register(registry, "hello", :value)
    after_hello = linked?.(pid)
    {:ok, pid} = Registry.register(registry, "world", :value)
    after_world = linked?.(pid)
    :ok = Registry.unregister(registry, "hello")
    after_unregister_hello = linked?.(pid)
    :ok = Registry.unregister(registry, "world")
    [after_hello, after_world, after_unregister_hello, linked?.(pid)]
  end

  def unknown_registry, do: raises(fn -> Registry.register(:unknown, "hello", :value) end)

  def via_callbacks do
    registry = registry()
    name = {:via, Registry, {registry, "hello"}}
    {:ok, pid} = Agent.start_link(fn -> 0 end, name: name)
    update = Agent.update(name, &(&1 + 1))
    get = Agent.get(name, & &1)
    {:error, _} = Agent.start(fn -> raise "oops" end)
    {:error, {:already_started, holder}} = Agent.start(fn -> 0 end, name: name)
    %{update: update, get: get, already_started_by_holder: holder == pid}
  end

  def value_in_via do
    registry = registry()
    {:ok, pid} = Agent.start_link(fn -> 0 end, name: {:via, Registry, {registry, "hello", :value}})
    for {holder, value} <- Registry.lookup(registry, "hello"), do: [holder == pid, value]
  end

  def empty_select, do: Registry.select(registry(), [{{:_, :_, :_}, [], [:"$_"]}])

  # select results with each pid written as who it is: "self" or "agent".
  defp who(list, agent) do
    Enum.map(list, fn
      {key, pid, value} -> [key, if(pid == self(), do: "self", else: if(pid == agent, do: "agent", else: "other")), value]
      other -> other
    end)
  end

  def select_all do
    registry = registry()
    {:ok, pid} = Agent.start_link(fn -> 0 end, name: {:via, Registry, {registry, "hello"}})
    {:ok, _} = Registry.register(registry, "world", :value)
    Registry.select(registry, [{{:"$1", :"$2", :"$3"}, [], [{{:"$1", :"$2", :"$3"}}]}]) |> Enum.sort() |> who(pid)
  end

  def select_full_specs do
    registry = registry()
    value = {1, :atom, 1}
    {:ok, _} = Registry.register(registry, "hello", value)
    by_key = Registry.select(registry, [{{"hello", :"$2", :"$3"}, [], [{{"hello", :"$2", :"$3"}}]}]) |> who(nil)
    by_pid = Registry.select(registry, [{{:"$1", self(), :"$3"}, [], [{{:"$1", self(), :"$3"}}]}]) |> who(nil)
    by_value = Registry.select(registry, [{{:"$1", :"$2", value}, [], [{{:"$1", :"$2", {value}}}]}]) |> who(nil)
    no_key = Registry.select(registry, [{{"world", :"$2", :"$3"}, [], [{{"world", :"$2", :"$3"}}]}])

    nested =
      Registry.select(registry, [{{:"$1", :"$2", {:"$3", :atom, :"$4"}}, [], [{{:"$1", :"$2", {{:"$3", :atom, :"$4"}}}}]}])
      |> who(nil)

    repeated =
      Registry.select(registry, [{{:"$1", :"$2", {:"$3", :"$4", :"$3"}}, [], [{{:"$1", :"$2", {{:"$3", :"$4", :"$3"}}}}]}])
      |> who(nil)

    {:ok, _} = Registry.register(registry, "world", %{a: "a", b: "b"})
    map = Registry.select(registry, [{{"world", self(), %{b: "b"}}, [], [:match]}])
    keys = Registry.select(registry, [{{:"$1", :_, :_}, [], [:"$1"]}]) |> Enum.sort()

    %{by_key: by_key, by_pid: by_pid, by_value: by_value, no_key: no_key, nested: nested, repeated: repeated, map: map, keys: keys}
  end

  def select_guards do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", {1, :atom, 2})

    %{
      greater_than_1:
        Registry.select(registry, [
          {{:"$1", :"$2", {:"$3", :"$4", :"$5"}}, [{:>, :"$5", 1}], [{{:"$1", :"$2", {{:"$3", :"$4", :"$5"}}}}]}
        ])
        |> who(nil),
      greater_than_2: Registry.select(registry, [{{:_, :_, {:_, :_, :"$1"}}, [{:>, :"$1", 2}], [:"$_"]}]),
      is_atom: Registry.select(registry, [{{:"$1", :_, {:_, :"$2", :_}}, [{:is_atom, :"$2"}], [:"$1"]}])
    }
  end

  def select_multiple_specs do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", :value)
    {:ok, _} = Registry.register(registry, "world", :value)

    Registry.select(registry, [
      {{"hello", :_, :_}, [], [{:element, 1, :"$_"}]},
      {{"world", :_, :_}, [], [{:element, 1, :"$_"}]}
    ])
    |> Enum.sort()
  end

  def select_bad_spec, do: raises(fn -> Registry.select(registry(), [{:_, [], []}]) end)

  def count_select_specs do
    registry = registry()
    value = {1, :atom, 1}
    {:ok, _} = Registry.register(registry, "hello", value)
    by_value = Registry.count_select(registry, [{{:_, :_, value}, [], [true]}])
    by_key = Registry.count_select(registry, [{{"hello", :_, :_}, [], [true]}])
    partial = Registry.count_select(registry, [{{:_, :_, {1, :atom, :_}}, [], [true]}])
    repeated = Registry.count_select(registry, [{{:_, :_, {:"$1", :_, :"$1"}}, [], [true]}])
    nil_value = Registry.count_select(registry, [{{"hello", :_, nil}, [], [true]}])
    {:ok, _} = Registry.register(registry, "world", %{a: "a", b: "b"})

    %{
      by_value: by_value,
      by_key: by_key,
      partial: partial,
      repeated: repeated,
      nil_value: nil_value,
      world: Registry.count_select(registry, [{{"world", :_, :_}, [], [true]}])
    }
  end

  def count_select_guards do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", {1, :atom, 2})

    [
      Registry.count_select(registry, [{{:_, :_, {:_, :"$1", :_}}, [{:is_atom, :"$1"}], [true]}]),
      Registry.count_select(registry, [{{:_, :_, {:_, :_, :"$1"}}, [{:>, :"$1", 1}], [true]}]),
      Registry.count_select(registry, [{{:_, :_, {:_, :_, :"$1"}}, [{:>, :"$1", 2}], [true]}])
    ]
  end

  def count_select_multiple_specs do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", :value)
    {:ok, _} = Registry.register(registry, "world", :value)
    Registry.count_select(registry, [{{"hello", :_, :_}, [], [true]}, {{"world", :_, :_}, [], [true]}])
  end

  def count_select_bad_spec, do: raises(fn -> Registry.count_select(registry(), [{:_, [], []}]) end)

  def child_spec_id, do: Registry.child_spec(keys: :unique, name: :custom_name).id

  def name_missing, do: raises(fn -> Registry.start_link(keys: :unique) end)
  def name_not_an_atom, do: raises(fn -> Registry.start_link(keys: :unique, name: []) end)

  def unregistration_on_crash do
    Process.flag(:trap_exit, true)
    registry = registry()
    name = {:via, Registry, {registry, :name, :value}}

    result =
      case Agent.start_link(fn -> raise "some error" end, name: name) do
        {:error, {error, _stacktrace}} -> {:error, error}
        other -> other
      end

    %{start: result, lookup_after: Registry.lookup(registry, :name)}
  end

  def send_works do
    registry = registry()
    Registry.register_name({registry, "self"}, self())
    GenServer.cast({:via, Registry, {registry, "self"}}, :message)
    Conformance.received?(&(&1 == {:"$gen_cast", :message}), 0)
  end

  def send_works_with_value do
    registry = registry()
    Registry.register_name({registry, "self", "value"}, self())
    GenServer.cast({:via, Registry, {registry, "self", "value"}}, :message)
    Conformance.received?(&(&1 == {:"$gen_cast", :message}), 0)
  end

  # The doctests: each returns the values its iex> lines are checked against, in order.

  def doctest_update_value do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", 1)
    before = entries(Registry.lookup(registry, "hello"))
    updated = Registry.update_value(registry, "hello", &(&1 + 1))
    [before, updated, entries(Registry.lookup(registry, "hello"))]
  end

  def doctest_lookup do
    registry = registry()
    empty = Registry.lookup(registry, "hello")
    {:ok, _} = Registry.register(registry, "hello", :world)
    own = entries(Registry.lookup(registry, "hello"))
    parent = self()
    from_task = Task.async(fn -> for({pid, value} <- Registry.lookup(registry, "hello"), do: [pid == parent, value]) end) |> Task.await()
    [empty, own, from_task]
  end

  def doctest_keys do
    registry = registry()
    empty = Registry.keys(registry, self())
    {:ok, _} = Registry.register(registry, "hello", :world)
    again = registered(Registry.register(registry, "hello", :later), self())
    [empty, again, Registry.keys(registry, self())]
  end

  def doctest_values do
    registry = registry()
    empty = Registry.values(registry, "hello", self())
    {:ok, _} = Registry.register(registry, "hello", :world)
    own = Registry.values(registry, "hello", self())
    task_own = Task.async(fn -> Registry.values(registry, "hello", self()) end) |> Task.await()
    parent = self()
    task_parent = Task.async(fn -> Registry.values(registry, "hello", parent) end) |> Task.await()
    [empty, own, task_own, task_parent]
  end

  def doctest_unregister do
    registry = registry()
    Registry.register(registry, "hello", :world)
    keys = Registry.keys(registry, self())
    unregister = Registry.unregister(registry, "hello")
    [keys, unregister, Registry.keys(registry, self())]
  end

  def doctest_unregister_match do
    registry = registry()
    Registry.register(registry, "hello", :world)
    keys = Registry.keys(registry, self())
    foo = Registry.unregister_match(registry, "hello", :foo)
    after_foo = Registry.keys(registry, self())
    world = Registry.unregister_match(registry, "hello", :world)
    [keys, foo, after_foo, world, Registry.keys(registry, self())]
  end

  def doctest_register do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", :world)
    later = registered(Registry.register(registry, "hello", :later), self())
    [later, Registry.keys(registry, self())]
  end

  def doctest_meta do
    registry = registry(meta: [custom_key: "custom_value"])
    [Registry.meta(registry, :custom_key), Registry.meta(registry, :unknown_key)]
  end

  def doctest_put_meta do
    registry = registry()
    put = Registry.put_meta(registry, :custom_key, "custom_value")
    [put, Registry.meta(registry, :custom_key)]
  end

  def doctest_delete_meta do
    registry = registry()
    put = Registry.put_meta(registry, :custom_key, "custom_value")
    meta = Registry.meta(registry, :custom_key)
    delete = Registry.delete_meta(registry, :custom_key)
    [put, meta, delete, Registry.meta(registry, :custom_key)]
  end

  def doctest_count do
    registry = registry()
    empty = Registry.count(registry)
    {:ok, _} = Registry.register(registry, "hello", :world)
    {:ok, _} = Registry.register(registry, "world", :world)
    [empty, Registry.count(registry)]
  end

  def doctest_select_all do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", :value)
    {:ok, _} = Registry.register(registry, "world", :value)
    # Unordered on the BEAM (an ETS set): sorted on both sides.
    Registry.select(registry, [{{:"$1", :"$2", :"$3"}, [], [{{:"$1", :"$2", :"$3"}}]}]) |> Enum.sort() |> who(nil)
  end

  def doctest_select_keys do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", :value)
    {:ok, _} = Registry.register(registry, "world", :value)
    Registry.select(registry, [{{:"$1", :_, :_}, [], [:"$1"]}]) |> Enum.sort()
  end

  def doctest_count_select do
    registry = registry()
    {:ok, _} = Registry.register(registry, "hello", :value)
    {:ok, _} = Registry.register(registry, "world", :value)
    Registry.count_select(registry, [{{:_, :_, :value}, [], [true]}])
  end
end

Conformance.run(RegistryTest.Cases.cases())
