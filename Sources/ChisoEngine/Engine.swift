import ChisoCore
import ChisoStore
