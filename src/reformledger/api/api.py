from ninja import NinjaAPI

api = NinjaAPI(title="Reform Ledger API", version="1", urls_namespace="api")
